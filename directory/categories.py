"""The category vocabulary shipped with Limen, and the two flags Limen keeps as HSDS attributes.

Ids are fixed (uuid5 of a Limen URI) so that every Limen installation, and every export, names the
same category with the same HSDS id. Agencies add their own terms beside these.
"""

import uuid

NAMESPACE = uuid.UUID("6f1c1f8e-3b8a-4f0e-9a57-4c1e0d6b2a10")


def shipped_id(kind: str, code: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"https://limen.example/{kind}/{code}"))


CATEGORY_TAXONOMY = {
    "hsds_id": shipped_id("taxonomy", "categories"),
    "name": "Limen categories",
    "description": "Kinds of help a client can be referred to.",
    "uri": "https://limen.example/taxonomy/categories",
    "version": "1",
}

FLAG_TAXONOMY = {
    "hsds_id": shipped_id("taxonomy", "flags"),
    "name": "Limen flags",
    "description": "How Limen treats a directory entry (confidential address, do not refer).",
    "uri": "https://limen.example/taxonomy/flags",
    "version": "1",
}

# code: (en, nl, de, fr)
CATEGORIES = {
    "domestic_violence": (
        "Domestic violence",
        "Huiselijk geweld",
        "Häusliche Gewalt",
        "Violence domestique",
    ),
    "sexual_violence": (
        "Sexual violence",
        "Seksueel geweld",
        "Sexualisierte Gewalt",
        "Violences sexuelles",
    ),
    "substance_use": (
        "Substance use",
        "Verslaving en middelengebruik",
        "Sucht und Drogen",
        "Addictions et consommation de substances",
    ),
    "mental_health": (
        "Mental health",
        "Geestelijke gezondheid",
        "Psychische Gesundheit",
        "Santé mentale",
    ),
    "crisis_lines": (
        "Crisis lines",
        "Crisislijnen",
        "Krisentelefone",
        "Lignes d'écoute et de crise",
    ),
    "debt_money": ("Debt and money", "Schulden en geld", "Schulden und Geld", "Dettes et argent"),
    "housing": (
        "Housing and homelessness",
        "Wonen en dakloosheid",
        "Wohnen und Wohnungslosigkeit",
        "Logement et sans-abrisme",
    ),
    "legal_aid": ("Legal aid", "Juridische hulp", "Rechtsberatung", "Aide juridique"),
    "employment": (
        "Employment and re-integration",
        "Werk en re-integratie",
        "Arbeit und Wiedereingliederung",
        "Emploi et réinsertion",
    ),
    "youth_family": (
        "Youth and family",
        "Jeugd en gezin",
        "Jugend und Familie",
        "Jeunesse et famille",
    ),
    "health_care": ("Health care", "Gezondheidszorg", "Gesundheitsversorgung", "Soins de santé"),
    "migration_asylum": (
        "Migration and asylum",
        "Migratie en asiel",
        "Migration und Asyl",
        "Migration et asile",
    ),
    "disability": ("Disability", "Beperking", "Behinderung", "Handicap"),
    "elderly_care": ("Elderly care", "Ouderenzorg", "Altenpflege", "Soins aux personnes âgées"),
}

FLAG_CONFIDENTIAL = "confidential_location"
FLAG_DO_NOT_REFER = "do_not_refer"
FLAGS = {
    FLAG_CONFIDENTIAL: (
        "Confidential address",
        "Geheim adres",
        "Vertrauliche Adresse",
        "Adresse confidentielle",
    ),
    FLAG_DO_NOT_REFER: (
        "Do not refer",
        "Niet doorverwijzen",
        "Nicht vermitteln",
        "Ne pas orienter",
    ),
}


def category_id(code: str) -> str:
    return shipped_id("category", code)


def flag_id(code: str) -> str:
    return shipped_id("flag", code)


def shipped_terms() -> list[dict]:
    """Every shipped term as the field values of a TaxonomyTerm (plus its taxonomy's id)."""
    terms = []
    for taxonomy, items, make_id in (
        (CATEGORY_TAXONOMY, CATEGORIES, category_id),
        (FLAG_TAXONOMY, FLAGS, flag_id),
    ):
        for code, (en, nl, de, fr) in items.items():
            terms.append(
                {
                    "hsds_id": make_id(code),
                    "code": code,
                    "name": en,
                    "description": en,
                    "taxonomy": taxonomy["name"],
                    "language": "en",
                    "taxonomy_id": taxonomy["hsds_id"],
                    "labels": {"en": en, "nl": nl, "de": de, "fr": fr},
                }
            )
    return terms


def install_shipped(taxonomy_model, term_model) -> None:
    """Create or refresh the shipped vocabularies (idempotent).

    Takes the models as arguments so the data migration can pass its historical ones; the demo
    seeding calls it too, because a flushed test database has lost what the migration wrote.
    """
    taxonomies = {}
    for data in (CATEGORY_TAXONOMY, FLAG_TAXONOMY):
        taxonomies[data["hsds_id"]], _ = taxonomy_model.objects.update_or_create(
            owner=None,
            hsds_id=data["hsds_id"],
            defaults={k: v for k, v in data.items() if k != "hsds_id"},
        )
    for term in shipped_terms():
        values = dict(term)
        taxonomy_id = values.pop("taxonomy_id")
        hsds_id = values.pop("hsds_id")
        term_model.objects.update_or_create(
            owner=None,
            hsds_id=hsds_id,
            defaults={**values, "taxonomy_detail": taxonomies[taxonomy_id]},
        )
