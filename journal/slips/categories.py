"""The fixed slip category codes and the languages the detector speaks."""

from accounts.languages import LANGUAGE_CODES

CATEGORIES: tuple[str, ...] = (
    "self_disclosure",
    "client_oversharing",
    "giving_money",
    "rescuing",
    "dual_relationship",
    "out_of_hours",
    "imposing_values",
    "over_accommodating",
)

# The detector speaks every language of Limen.
LANGUAGES: tuple[str, ...] = LANGUAGE_CODES
