"""The principle and reflective question behind each slip category, in every language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .categories import CATEGORIES, LANGUAGES
from .rules import RuleFileError

PRINCIPLES_FILE = Path(__file__).parent / "rules" / "principles.yaml"
REQUIRED_KEYS = {"title", "principle", "question"}


@dataclass(frozen=True)
class Explanation:
    """Why a category matters (the principle) and a question to reflect on, in one language."""

    category: str
    lang: str
    title: str
    principle: str
    question: str
    # One or two sentences more from the source article, for the help page; "" when the
    # principle already says all the article does.
    more: str = ""


@lru_cache(maxsize=1)
def _principles() -> dict[tuple[str, str], Explanation]:
    data = yaml.safe_load(PRINCIPLES_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise RuleFileError("principles.yaml: expected a mapping of category codes")
    unknown = set(data) - set(CATEGORIES)
    missing = set(CATEGORIES) - set(data)
    if unknown or missing:
        raise RuleFileError(
            f"principles.yaml: unknown categories {sorted(unknown)}, missing {sorted(missing)}"
        )
    table = {}
    for category, by_lang in data.items():
        for lang in LANGUAGES:
            entry = by_lang.get(lang) if isinstance(by_lang, dict) else None
            if not isinstance(entry, dict) or set(entry) - {"more"} != REQUIRED_KEYS:
                raise RuleFileError(
                    f"principles.yaml: {category}.{lang} needs exactly title, principle, question"
                    " (and may add more)"
                )
            table[category, lang] = Explanation(category, lang, **entry)
        # "more" is said in every language or in none, like everything else in the file.
        if len({bool(table[category, lang].more) for lang in LANGUAGES}) > 1:
            raise RuleFileError(f"principles.yaml: {category} has more in some languages only")
    return table


def explain(category: str, lang: str) -> Explanation:
    """The principle and reflective question for a category in the given language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGUAGES}")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    return _principles()[category, lang]
