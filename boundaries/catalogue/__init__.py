"""The bias self-inventory catalogue: versioned YAML data, its loader and its validator.

Pure Python + PyYAML (no Django), so the catalogue can be checked in any test or script.
The format and the scoring convention are documented in README.md and in the header of each
``vN.yaml`` file.
"""

from __future__ import annotations

import copy
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from accounts.languages import LANGUAGE_CODES

CATALOGUE_DIR = Path(__file__).resolve().parent
# Every item is written in every language of Limen.
LANGUAGES: tuple[str, ...] = LANGUAGE_CODES

_FILE_RE = re.compile(r"^v([1-9][0-9]*)\.yaml$")
_CODE_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_TOP_KEYS = {"version", "scales", "sections"}
_SCALE_KEYS = {"min", "max", "labels"}
_SECTION_KEYS = {"code", "sources", "title", "intro", "suggestions", "items"}
_SECTION_REQUIRED = _SECTION_KEYS - {"sources"}
_ITEM_KEYS = {"code", "scale", "reverse", "statement", "why"}


class CatalogueError(ValueError):
    """A catalogue file is missing or does not validate."""


def available_versions() -> list[int]:
    """Version numbers of the catalogue files shipped in this package, ascending."""
    versions = []
    for path in CATALOGUE_DIR.glob("v*.yaml"):
        match = _FILE_RE.match(path.name)
        if match:
            versions.append(int(match.group(1)))
    return sorted(versions)


def load_catalogue(version: int | None = None) -> dict[str, Any]:
    """Load and validate catalogue ``version`` (the latest when None); returns a fresh copy.

    Raises CatalogueError when the version does not exist or the file does not validate.
    """
    if version is None:
        versions = available_versions()
        if not versions:
            raise CatalogueError(f"no catalogue files in {CATALOGUE_DIR}")
        version = versions[-1]
    # Callers may annotate the dict they get; never hand out the cached one.
    return copy.deepcopy(_load_validated(version))


@lru_cache(maxsize=8)
def _load_validated(version: int) -> dict[str, Any]:
    path = CATALOGUE_DIR / f"v{version}.yaml"
    if not path.is_file():
        raise CatalogueError(f"catalogue version {version} does not exist ({path.name})")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    errors = validate_catalogue(data)
    if isinstance(data, dict) and data.get("version") != version:
        errors.append(f"version: file {path.name} declares version {data.get('version')!r}")
    if errors:
        raise CatalogueError(f"{path.name} is invalid:\n" + "\n".join(errors))
    return data


def validate_catalogue(data: Any) -> list[str]:
    """Return human-readable errors in a parsed catalogue; an empty list means it is valid."""
    errors: list[str] = []
    if not isinstance(data, dict):
        return ["catalogue: expected a mapping at the top level"]
    _check_keys(data, _TOP_KEYS, _TOP_KEYS, "catalogue", errors)

    version = data.get("version")
    if "version" in data and (
        not isinstance(version, int) or isinstance(version, bool) or version < 1
    ):
        errors.append(f"version: expected a positive integer, got {version!r}")

    scales = data.get("scales")
    if "scales" in data:
        if not isinstance(scales, dict) or not scales:
            errors.append("scales: expected a non-empty mapping")
            scales = {}
        for name, scale in scales.items():
            _check_scale(name, scale, errors)
    else:
        scales = {}

    sections = data.get("sections")
    if "sections" not in data:
        return errors
    if not isinstance(sections, list) or not sections:
        errors.append("sections: expected a non-empty list")
        return errors

    section_codes: set[str] = set()
    item_codes: set[str] = set()
    for index, section in enumerate(sections):
        where = f"sections[{index}]"
        if not isinstance(section, dict):
            errors.append(f"{where}: expected a mapping")
            continue
        code = section.get("code")
        if isinstance(code, str):
            where = f"{where} ({code})"
        _check_code(code, section_codes, where, "section", errors)
        _check_keys(section, _SECTION_REQUIRED, _SECTION_KEYS, where, errors)
        sources = section.get("sources", [])
        if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
            errors.append(f"{where}.sources: expected a list of strings")
        for field in ("title", "intro"):
            if field in section:
                _check_text(section[field], f"{where}.{field}", errors)
        if "suggestions" in section:
            _check_suggestions(section["suggestions"], f"{where}.suggestions", errors)
        if "items" not in section:
            continue
        items = section["items"]
        if not isinstance(items, list) or not items:
            errors.append(f"{where}.items: expected a non-empty list")
            continue
        for item_index, item in enumerate(items):
            _check_item(item, f"{where}.items[{item_index}]", scales, item_codes, errors)

    # Items and sections share one namespace so an answer's code is never ambiguous.
    for code in sorted(section_codes & item_codes):
        errors.append(f"code {code!r} is used by both a section and an item")
    return errors


def normalised_score(scale: dict[str, Any], item: dict[str, Any], answer: int) -> int:
    """Score one answer so that higher always means healthier practice (reverse items flipped)."""
    low, high = scale["min"], scale["max"]
    if not low <= answer <= high:
        raise ValueError(f"answer {answer} outside scale {low}..{high}")
    return low + high - answer if item["reverse"] else answer


def _check_keys(
    obj: dict[str, Any], required: set[str], allowed: set[str], where: str, errors: list[str]
) -> None:
    for key in sorted(required - obj.keys()):
        errors.append(f"{where}: missing {key!r}")
    for key in sorted(str(k) for k in obj.keys() - allowed):
        errors.append(f"{where}: unknown key {key!r}")


def _check_code(code: Any, seen: set[str], where: str, kind: str, errors: list[str]) -> None:
    if code is None:
        return  # reported as a missing key
    if not isinstance(code, str) or not _CODE_RE.match(code):
        errors.append(f"{where}.code: {code!r} is not a snake_case identifier")
        return
    if code in seen:
        errors.append(f"{where}.code: duplicate {kind} code {code!r}")
    seen.add(code)


def _check_text(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: expected a mapping of language to text")
        return
    for lang in LANGUAGES:
        text = value.get(lang)
        if lang not in value:
            errors.append(f"{where}: missing language {lang!r}")
        elif not isinstance(text, str) or not text.strip():
            errors.append(f"{where}.{lang}: expected non-empty text")
    for lang in sorted(str(k) for k in value.keys() - set(LANGUAGES)):
        errors.append(f"{where}: unknown language {lang!r}")


def _check_suggestions(value: Any, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict):
        errors.append(f"{where}: expected a mapping of language to a list of texts")
        return
    lengths = set()
    for lang in LANGUAGES:
        texts = value.get(lang)
        if lang not in value:
            errors.append(f"{where}: missing language {lang!r}")
        elif (
            not isinstance(texts, list)
            or not texts
            or not all(isinstance(t, str) and t.strip() for t in texts)
        ):
            errors.append(f"{where}.{lang}: expected a non-empty list of non-empty texts")
        else:
            lengths.add(len(texts))
    if len(lengths) > 1:
        errors.append(f"{where}: languages have different numbers of suggestions")
    for lang in sorted(str(k) for k in value.keys() - set(LANGUAGES)):
        errors.append(f"{where}: unknown language {lang!r}")


def _check_scale(name: Any, scale: Any, errors: list[str]) -> None:
    where = f"scales.{name}"
    if not isinstance(name, str) or not _CODE_RE.match(name):
        errors.append(f"{where}: scale name is not a snake_case identifier")
    if not isinstance(scale, dict):
        errors.append(f"{where}: expected a mapping")
        return
    _check_keys(scale, _SCALE_KEYS, _SCALE_KEYS, where, errors)
    low, high = scale.get("min"), scale.get("max")
    bounds_ok = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high))
    if not bounds_ok or low >= high:
        errors.append(f"{where}: min and max must be integers with min < max")
        return
    labels = scale.get("labels")
    if labels is None:
        return
    if not isinstance(labels, dict):
        errors.append(f"{where}.labels: expected a mapping of language to a list of labels")
        return
    expected = high - low + 1
    for lang in LANGUAGES:
        values = labels.get(lang)
        if lang not in labels:
            errors.append(f"{where}.labels: missing language {lang!r}")
        elif (
            not isinstance(values, list)
            or len(values) != expected
            or not all(isinstance(v, str) and v.strip() for v in values)
        ):
            errors.append(f"{where}.labels.{lang}: expected {expected} non-empty labels")


def _check_item(
    item: Any, where: str, scales: dict[str, Any], seen: set[str], errors: list[str]
) -> None:
    if not isinstance(item, dict):
        errors.append(f"{where}: expected a mapping")
        return
    code = item.get("code")
    if isinstance(code, str):
        where = f"{where} ({code})"
    _check_code(code, seen, where, "item", errors)
    _check_keys(item, _ITEM_KEYS, _ITEM_KEYS, where, errors)
    scale = item.get("scale")
    if "scale" in item and (not isinstance(scale, str) or scale not in scales):
        errors.append(f"{where}.scale: unknown scale {scale!r}")
    if "reverse" in item and not isinstance(item["reverse"], bool):
        errors.append(f"{where}.reverse: expected true or false, got {item['reverse']!r}")
    for field in ("statement", "why"):
        if field in item:
            _check_text(item[field], f"{where}.{field}", errors)
