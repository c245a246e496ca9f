"""Boundary-slip detector: deterministic, offline rules over stems in en, nl, de and fr.

Rules and principle texts are data in ``rules/``; see ``rules/README.md`` for the format.
"""

from .categories import CATEGORIES, LANGUAGES
from .detector import Finding, detect, detect_language
from .principles import Explanation, explain
from .rules import RuleFileError, load_rule_file, rule_set, rule_sets

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
]
