"""A " · " between two items of a line wraps with the item before it, never starting a line."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# What never reaches the page as wrapping text: comments, titles, template tags and HTML tags.
SKIPPED = re.compile(
    r"\{% comment %\}.*?\{% endcomment %\}|<title>.*?</title>|\{% block title %\}.*?"
    r"\{% endblock %\}|\{%.*?%\}|\{\{.*?\}\}|<[^>]*>",
    re.S,
)


def test_every_separator_has_a_no_break_space_before_it():
    loose = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = SKIPPED.sub("", path.read_text(encoding="utf-8"))
        if " · " in text:
            loose.append(str(path.relative_to(TEMPLATES)))
    assert loose == []
    assert "&nbsp;· " in (TEMPLATES / "journal" / "review_queue.html").read_text(encoding="utf-8")
