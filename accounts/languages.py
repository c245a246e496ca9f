"""The languages Limen speaks. Its pages, the self-inventory catalogue, the slip detector and
everyone's preferred language all use this one list.

Plain Python (no Django), so that the catalogue and the detector can use it in any script.
"""

LANGUAGE_CODES: tuple[str, ...] = ("en", "nl", "de", "fr")
# A text missing in the reader's language is shown in this one.
FALLBACK_LANGUAGE = "en"


def limen_language(code: str | None) -> str:
    """The language of Limen that ``code`` names ("de-at" is German); the fallback language for
    anything Limen does not speak."""
    short = (code or "").split("-")[0].lower()
    return short if short in LANGUAGE_CODES else FALLBACK_LANGUAGE
