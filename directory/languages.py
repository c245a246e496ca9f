"""Languages a service speaks: the codes directories use for them and their names in the
reader's language."""

from django.utils.translation import get_language_info

# ISO 639-1 codes and the 639-2/3 codes directories often use for the same language.
LANGUAGE_ALIASES = {
    "en": ("en", "eng"),
    "nl": ("nl", "nld", "dut"),
    "de": ("de", "deu", "ger"),
    "fr": ("fr", "fra", "fre"),
    "ar": ("ar", "ara"),
    "tr": ("tr", "tur"),
    "pl": ("pl", "pol"),
    "uk": ("uk", "ukr"),
    "ru": ("ru", "rus"),
    "es": ("es", "spa"),
    "pt": ("pt", "por"),
    "so": ("so", "som"),
    "ti": ("ti", "tir"),
    "fa": ("fa", "fas", "per"),
    "ur": ("ur", "urd"),
    "it": ("it", "ita"),
    "ro": ("ro", "ron", "rum"),
    "bg": ("bg", "bul"),
    "zh": ("zh", "zho", "chi"),
}
_TO_SHORT = {alias: short for short, aliases in LANGUAGE_ALIASES.items() for alias in aliases}


def language_short(code: str) -> str:
    code = (code or "").strip().lower()
    return _TO_SHORT.get(code, code)


def language_label(code: str) -> str:
    """The language's name in the active language; the code itself when Django does not know it."""
    try:
        info = get_language_info(language_short(code))
    except KeyError:
        return code
    return str(info["name_translated"])
