"""The fixed slip category codes and the languages the detector speaks."""

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

LANGUAGES: tuple[str, ...] = ("en", "nl", "de", "fr")
