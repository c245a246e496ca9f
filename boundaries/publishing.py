"""Turn a validated catalogue (``boundaries.catalogue``) into database rows.

The functions take the model classes as arguments so the data migration can pass its historical
models; ``services.catalogue_publish`` passes the real ones.
"""

from __future__ import annotations

from typing import Any

from boundaries.catalogue import available_versions, load_catalogue


def publish_data(data: dict[str, Any], *, CatalogueVersion, Section, Item) -> tuple[Any, bool]:  # noqa: N803
    """Create the rows of catalogue ``data`` unless its version exists; returns (version, created).

    A published version is never rewritten, so answers given on it keep their meaning.
    """
    existing = CatalogueVersion.objects.filter(number=data["version"]).first()
    if existing is not None:
        return existing, False
    version = CatalogueVersion.objects.create(number=data["version"], scales=data["scales"])
    position = 0
    for section_position, section_data in enumerate(data["sections"], start=1):
        section = Section.objects.create(
            version=version,
            code=section_data["code"],
            position=section_position,
            sources=section_data.get("sources", []),
            title=section_data["title"],
            intro=section_data["intro"],
            suggestions=section_data["suggestions"],
        )
        items = []
        for item_data in section_data["items"]:
            position += 1
            scale = data["scales"][item_data["scale"]]
            items.append(
                Item(
                    version=version,
                    section=section,
                    code=item_data["code"],
                    position=position,
                    scale=item_data["scale"],
                    scale_min=scale["min"],
                    scale_max=scale["max"],
                    reverse=item_data["reverse"],
                    statement=item_data["statement"],
                    why=item_data["why"],
                )
            )
        Item.objects.bulk_create(items)
    return version, True


def publish_shipped(*, CatalogueVersion, Section, Item) -> list[int]:  # noqa: N803
    """Publish every shipped ``vN.yaml`` not yet in the database; returns the new numbers."""
    created = []
    for number in available_versions():
        if CatalogueVersion.objects.filter(number=number).exists():
            continue
        data = load_catalogue(number)  # raises CatalogueError for an invalid file
        _version, was_created = publish_data(
            data, CatalogueVersion=CatalogueVersion, Section=Section, Item=Item
        )
        if was_created:
            created.append(number)
    return created
