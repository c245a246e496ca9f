"""The README's pictures are committed beside it, and the screenshot test takes each of them."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGE = re.compile(r"!\[([^\]]+)\]\((docs/screenshots/[^)]+\.png)\)")


def test_every_screenshot_the_readme_shows_is_committed_and_described():
    images = IMAGE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(images) >= 4
    for alt, path in images:
        assert (ROOT / path).is_file(), path
        assert (ROOT / path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
        assert len(alt) > 30, f"{path} needs alt text that says what it shows"


def test_the_screenshot_test_takes_every_picture_the_readme_shows():
    taker = (ROOT / "tests" / "browser" / "test_screenshots.py").read_text(encoding="utf-8")
    taken = set(re.findall(r'_save\(page, "([\w-]+)"\)', taker))
    shown = {Path(path).stem for _alt, path in IMAGE.findall((ROOT / "README.md").read_text())}
    assert shown == taken
