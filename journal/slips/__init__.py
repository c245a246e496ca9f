"""Boundary-slip detector: deterministic, offline rules over stems in en, nl, de and fr, and a
learned stage that reads the meaning of each sentence (``meaning.py``).

Rules and principle texts are data in ``rules/``; see ``rules/README.md`` for the format.
"""

from .categories import CATEGORIES, LANGUAGES
from .detector import Finding, detect, detect_language, engine
from .principles import Explanation, explain
from .rules import RuleFileError, load_rule_file, rule_set, rule_sets


def warm() -> None:
    """Compile every language's rules and load the learned model now (about four seconds), so
    that a web or worker process pays for it at start and not on someone's first keystroke."""
    from . import meaning

    for lang in LANGUAGES:
        engine(lang)
    if meaning.model() is not None:
        meaning.encoder().warm()


__all__ = [
    "CATEGORIES",
    "LANGUAGES",
    "Explanation",
    "Finding",
    "RuleFileError",
    "detect",
    "detect_language",
    "explain",
    "load_rule_file",
    "rule_set",
    "rule_sets",
    "warm",
]
