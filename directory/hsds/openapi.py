"""Limen's own OpenAPI 3.1 document for its HSDS API (``/api/hsds/openapi.json``).

Paths and parameters follow HSDS 3.0's OpenAPI description; the answers are described by the
fields Limen keeps, and the two ways in are written down: a read token, or an agency's openly
published directory under ``/api/hsds/{directory}``. HSDS's compiled schemas are referenced for
the full objects (``externalDocs``); the tests validate answers against them.
"""

from functools import cache

from directory.hsds import spec

BOOLEAN = {"type": "string", "enum": ["true", "false"]}


def _parameter(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or {"type": "string"},
    }


PARAMETERS = {
    "search": _parameter("search", "Words that must all appear (full text search)."),
    "page": _parameter("page", "Page number, from 1.", {"type": "integer", "minimum": 1}),
    "per_page": _parameter(
        "per_page",
        "Results per page (at most 200).",
        {"type": "integer", "minimum": 1, "maximum": 200},
    ),
    "format": _parameter(
        "format",
        "json (paged, the default) or ndjson (every result, one JSON object a line, unpaged).",
        {"type": "string", "enum": ["json", "ndjson"]},
    ),
    "taxonomy_term_id": _parameter("taxonomy_term_id", "Services with this taxonomy term."),
    "taxonomy_id": _parameter("taxonomy_id", "Services with any term of this taxonomy."),
    "organization_id": _parameter("organization_id", "Services of this organization."),
    "modified_after": _parameter(
        "modified_after",
        "Results modified on or after this ISO 8601 date-time (or date, from its midnight UTC).",
        {
            "anyOf": [
                {"type": "string", "format": "date-time"},
                {"type": "string", "format": "date"},
            ]
        },
    ),
    "minimal": _parameter("minimal", "true: only each service's id and last_modified.", BOOLEAN),
    "full": _parameter("full", "true: fully nested objects.", BOOLEAN),
    "full_service": _parameter("full_service", "true: organizations with their services.", BOOLEAN),
    "top_only": _parameter("top_only", "true: only terms without a parent.", BOOLEAN),
    "parent_id": _parameter("parent_id", "Terms whose parent has this id."),
}


def _object(table_name: str, required: tuple[str, ...] = ("id",), **nested: dict) -> dict:
    table = spec.BY_NAME[table_name]
    properties: dict = {column: {} for column in table.columns}
    properties["id"] = {"type": "string"}
    properties.update(nested)
    return {
        "type": "object",
        "required": list(required),
        "properties": properties,
        "additionalProperties": True,
    }


def _array_of(ref: str) -> dict:
    return {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}}


def _page(ref: str) -> dict:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/Page"},
            {"type": "object", "properties": {"contents": _array_of(ref)}},
        ]
    }


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERRORS = {
    "400": _json({"$ref": "#/components/schemas/Error"}, "A parameter is not valid."),
    "401": _json({"$ref": "#/components/schemas/Error"}, "A valid read token is needed."),
    "404": _json({"$ref": "#/components/schemas/Error"}, "No such record in this directory."),
}


def _list(summary: str, ref: str, parameters: list[str]) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"list_{ref.lower()}",
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": {
                "200": {
                    "description": summary,
                    "content": {
                        "application/json": {"schema": _page(ref)},
                        "application/x-ndjson": {"schema": {"type": "string"}},
                    },
                },
                **ERRORS,
            },
        }
    }


def _one(summary: str, ref: str, parameters: list[str] = ()) -> dict:
    return {
        "parameters": [
            {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
        ],
        "get": {
            "summary": summary,
            "operationId": f"get_{ref.lower()}",
            "parameters": [{"$ref": f"#/components/parameters/{p}"} for p in parameters],
            "responses": {"200": _json({"$ref": f"#/components/schemas/{ref}"}, summary), **ERRORS},
        },
    }


@cache
def document() -> dict:
    service_filters = ["taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after"]
    paging = ["search", "page", "per_page", "format"]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Limen referral directory: HSDS API",
            "version": "3.0",
            "description": (
                "A read-only Open Referral HSDS 3.0 API over one agency's referral directory. "
                "Authenticate with a read token (Authorization: Bearer limen_...), made by the "
                "agency's admins, or read an openly published directory under "
                "/api/hsds/{directory}/ without one. Confidential (shelter) addresses never "
                "appear; a service marked 'do not refer' carries an attribute with Limen's "
                "do_not_refer flag term; inactive and defunct services keep HSDS's status."
            ),
        },
        "externalDocs": {
            "description": "HSDS 3.0",
            "url": "https://specs.openreferral.org/en/v3.0/",
        },
        "servers": [
            {"url": "/api/hsds", "description": "The directory of the token's agency"},
        ],
        "security": [{"bearer": []}],
        "paths": {
            "/": {
                "get": {
                    "summary": "This API and its HSDS version.",
                    "operationId": "get_meta",
                    "security": [],
                    "responses": {"200": _json({"$ref": "#/components/schemas/Meta"}, "About")},
                }
            },
            "/services": _list(
                "Services", "Service", [*paging, *service_filters, "minimal", "full"]
            ),
            "/services/{id}": _one("A fully nested service", "Service"),
            "/organizations": _list(
                "Organizations", "Organization", [*paging, "full", "full_service"]
            ),
            "/organizations/{id}": _one(
                "An organization with its services", "Organization", ["full_service"]
            ),
            "/service_at_locations": _list(
                "Services at locations",
                "ServiceAtLocation",
                [*paging, *service_filters, "full"],
            ),
            "/service_at_locations/{id}": _one(
                "A fully nested service at a location", "ServiceAtLocation"
            ),
            "/taxonomies": _list("Taxonomies", "Taxonomy", paging),
            "/taxonomies/{id}": _one("A taxonomy", "Taxonomy"),
            "/taxonomy_terms": _list(
                "Taxonomy terms", "TaxonomyTerm", [*paging, "taxonomy_id", "top_only", "parent_id"]
            ),
            "/taxonomy_terms/{id}": _one("A taxonomy term", "TaxonomyTerm"),
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "parameters": PARAMETERS,
            "schemas": {
                "Meta": {
                    "type": "object",
                    "required": ["version"],
                    "properties": {
                        "version": {"type": "string"},
                        "profile": {"type": "string"},
                        "openapi_url": {"type": "string"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["detail"],
                    "properties": {"detail": {"type": "string"}},
                },
                "Page": {
                    "type": "object",
                    "required": [
                        "total_items",
                        "total_pages",
                        "page_number",
                        "size",
                        "first_page",
                        "last_page",
                        "empty",
                        "contents",
                    ],
                    "properties": {
                        "total_items": {"type": "integer"},
                        "total_pages": {"type": "integer"},
                        "page_number": {"type": "integer"},
                        "size": {"type": "integer"},
                        "first_page": {"type": "boolean"},
                        "last_page": {"type": "boolean"},
                        "empty": {"type": "boolean"},
                        "contents": {"type": "array"},
                    },
                },
                "Service": _object(
                    "service",
                    status={
                        "type": "string",
                        "enum": ["active", "inactive", "defunct", "temporarily closed"],
                    },
                ),
                "Organization": _object("organization"),
                "ServiceAtLocation": _object("service_at_location"),
                "Taxonomy": _object("taxonomy"),
                "TaxonomyTerm": _object("taxonomy_term"),
            },
        },
    }
