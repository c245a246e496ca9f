"""Languages a service speaks: the codes directories use for them and their names in the
reader's language."""

from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

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
# Languages directories list that Django's own table lacks (it has only the languages Django is
# translated into), named here so that a filter never offers a bare code such as "ti".
EXTRA_NAMES = {
    "so": _("Somali"),
    "ti": _("Tigrinya"),
    "zh": _("Chinese"),
}
_TO_SHORT = {alias: short for short, aliases in LANGUAGE_ALIASES.items() for alias in aliases}


def language_short(code: str) -> str:
    code = (code or "").strip().lower()
    return _TO_SHORT.get(code, code)


def language_label(code: str) -> str:
    """The language's name in the active language; the code itself only for a language neither
    Django nor ``EXTRA_NAMES`` knows."""
    short = language_short(code)
    if short in EXTRA_NAMES:
        return str(EXTRA_NAMES[short])
    try:
        info = get_language_info(short)
    except KeyError:
        return code
    return str(info["name_translated"])
