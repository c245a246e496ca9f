"""Checks on server-rendered SVG: its numbers are for the browser, never for the reader, so they
are written the same way in every language (a dot for decimals, no thousands separator)."""

import re

NUMBER = r"-?\d+(?:\.\d+)?"
# Attributes that hold one length or coordinate each.
SINGLE = ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height")
ATTRIBUTE = re.compile(r'\s(?P<name>[a-zA-Z][\w:-]*)="(?P<value>[^"]*)"')
SVG = re.compile(r"<svg\b.*?</svg>", re.S)


def svg_number_problems(html: str) -> list[str]:
    """Every numeric SVG attribute in ``html`` that a browser could not read as a number."""
    problems = []
    for svg in SVG.findall(html):
        for tag in re.findall(r"<[a-zA-Z][^>]*>", svg):
            for match in ATTRIBUTE.finditer(tag):
                name, value = match["name"], match["value"]
                if name in SINGLE:
                    ok = re.fullmatch(NUMBER, value) is not None
                elif name == "viewBox":
                    ok = re.fullmatch(rf"{NUMBER}(?:\s+{NUMBER}){{3}}", value) is not None
                elif name == "points":
                    pair = rf"{NUMBER},{NUMBER}"
                    ok = re.fullmatch(rf"{pair}(?:\s+{pair})*", value.strip()) is not None
                elif name == "d":
                    # Our paths separate numbers with spaces; a comma can only be a decimal one.
                    ok = "," not in value and re.fullmatch(r"[\sMmLlHhVvCcSsQqTtAaZz\d.-]*", value)
                else:
                    continue
                if not ok:
                    problems.append(f'{name}="{value}"')
    return problems


def svg_numbers(html: str) -> int:
    """How many numeric SVG attributes ``html`` holds (so a check over them is not vacuous)."""
    return sum(
        1
        for svg in SVG.findall(html)
        for match in ATTRIBUTE.finditer(svg)
        if match["name"] in SINGLE + ("viewBox", "points", "d")
    )
