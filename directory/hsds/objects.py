"""Limen's directory as HSDS 3.0 API objects: a service, organization, service_at_location,
taxonomy or taxonomy term, flat (for lists) or fully nested (``full``).

The builders read only what the selectors in ``directory.api_selectors`` prefetched, so a page
costs the same number of queries whatever its size. A confidential location appears without its
address, coordinates or directions; an empty value is left out (HSDS's schemas refuse "" for
typed fields). "Do not refer" travels as an attribute with Limen's flag term, as in exports.
"""

from typing import Any

from directory import categories
from directory.hsds import spec
from directory.hsds.exporter import _flag_attribute_id, _json_value

HSDS_VERSION = "3.0"


def _fields(obj, table_name: str, **refs: str | None) -> dict[str, Any]:
    """The table's own columns of ``obj``; references are given by the caller (already known
    or prefetched), never looked up here."""
    table = spec.BY_NAME[table_name]
    out: dict[str, Any] = {"id": obj.hsds_id}
    for column in table.value_columns:
        value = _json_value(getattr(obj, column))
        if value is not None and value != "":
            out[column] = value
    for column, value in refs.items():
        if value:
            out[column] = value
    return out


def _term(term) -> dict[str, Any]:
    parent = term.parent.hsds_id if term.parent_id else None
    taxonomy = term.taxonomy_detail.hsds_id if term.taxonomy_detail_id else None
    return _fields(term, "taxonomy_term", parent_id=parent, taxonomy_id=taxonomy)


def taxonomy(obj) -> dict[str, Any]:
    return _fields(obj, "taxonomy")


def taxonomy_term(obj) -> dict[str, Any]:
    out = _term(obj)
    if obj.taxonomy_detail_id:
        out["taxonomy_detail"] = taxonomy(obj.taxonomy_detail)
    return out


def _attribute(attribute, link_id: str) -> dict[str, Any]:
    out = _fields(
        attribute,
        "attribute",
        link_id=link_id,
        taxonomy_term_id=attribute.taxonomy_term.hsds_id,
    )
    out["taxonomy_term"] = _term(attribute.taxonomy_term)
    return out


def _do_not_refer(service) -> dict[str, Any]:
    flag = categories.FLAG_DO_NOT_REFER
    term_id = categories.flag_id(flag)
    out = {
        "id": _flag_attribute_id(service.hsds_id, flag),
        "link_id": service.hsds_id,
        "link_type": "limen_flag",
        "link_entity": "service",
        "taxonomy_term_id": term_id,
        "taxonomy_term": {"id": term_id, "name": "Do not refer"},
    }
    if service.do_not_refer_reason:
        out["value"] = service.do_not_refer_reason
    return out


def _phones(owner_phones, **refs) -> list[dict[str, Any]]:
    return [_fields(phone, "phone", **refs) for phone in owner_phones.all()]


def location(obj) -> dict[str, Any]:
    organization = obj.organization.hsds_id if obj.organization_id else None
    out = _fields(obj, "location", organization_id=organization)
    if obj.is_confidential:
        # Where a shelter is must not leak through its coordinates or directions either.
        for column in ("latitude", "longitude", "transportation"):
            out.pop(column, None)
        out["addresses"] = []
    else:
        out["addresses"] = [
            _fields(a, "address", location_id=obj.hsds_id) for a in obj.addresses.all()
        ]
    out["phones"] = _phones(obj.phones, location_id=obj.hsds_id)
    out["languages"] = [
        _fields(x, "language", location_id=obj.hsds_id) for x in obj.languages.all()
    ]
    out["schedules"] = [
        _fields(x, "schedule", location_id=obj.hsds_id) for x in obj.schedules.all()
    ]
    out["accessibility"] = [
        _fields(x, "accessibility", location_id=obj.hsds_id) for x in obj.accessibility.all()
    ]
    return out


def service_at_location(obj, *, full: bool = False, nested_service: bool = True) -> dict[str, Any]:
    out = _fields(
        obj,
        "service_at_location",
        service_id=obj.service.hsds_id,
        location_id=obj.location.hsds_id,
    )
    if not full:
        return out
    out["location"] = location(obj.location)
    out["phones"] = _phones(obj.phones, service_at_location_id=obj.hsds_id)
    out["schedules"] = [
        _fields(x, "schedule", service_at_location_id=obj.hsds_id) for x in obj.schedules.all()
    ]
    if nested_service:
        out["service"] = service(obj.service, full=False)
    return out


def organization(obj, *, full: bool = False, services=()) -> dict[str, Any]:
    out = _fields(obj, "organization")
    if not full:
        return out
    out["phones"] = _phones(obj.phones, organization_id=obj.hsds_id)
    out["services"] = [service(s, full=False) for s in services]
    return out


def service(obj, *, full: bool = False) -> dict[str, Any]:
    out = _fields(obj, "service", organization_id=obj.organization.hsds_id)
    if obj.last_modified is None:
        # HSDS's last_modified is when the record last changed; Limen keeps that itself.
        out["last_modified"] = _json_value(obj.updated_at)
    if not full:
        return out
    out["organization"] = organization(obj.organization)
    out["phones"] = _phones(obj.phones, service_id=obj.hsds_id)
    out["schedules"] = [_fields(x, "schedule", service_id=obj.hsds_id) for x in obj.schedules.all()]
    out["service_areas"] = [
        _fields(x, "service_area", service_id=obj.hsds_id) for x in obj.service_areas.all()
    ]
    out["languages"] = [_fields(x, "language", service_id=obj.hsds_id) for x in obj.languages.all()]
    out["service_at_locations"] = [
        service_at_location(x, full=True, nested_service=False) for x in obj.at_locations.all()
    ]
    out["attributes"] = [_attribute(a, obj.hsds_id) for a in obj.attributes.all()]
    if obj.do_not_refer:
        out["attributes"].append(_do_not_refer(obj))
    return out


def minimal(obj) -> dict[str, Any]:
    return {"id": obj.hsds_id, "last_modified": _json_value(obj.last_modified or obj.updated_at)}
