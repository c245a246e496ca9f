"""The read-only HSDS 3.0 API (``/api/hsds/``): plain Django function views answering JSON.

A request reads one agency's directory: the one its token belongs to (``Authorization: Bearer
limen_...``), or, under ``/api/hsds/<slug>/``, a directory its agency publishes openly. Anything
else is a 401 (no or a wrong token) or a 404 (no such open directory), never a hint that an
agency exists. Lists are paged with HSDS's envelope or streamed as NDJSON (``format=ndjson``).
"""

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from accounts.models import Organisation
from accounts.selectors import organisation_with_slug
from directory import selectors
from directory.hsds import objects, openapi
from directory.search.index import fold
from directory.services.api_access import api_token_authenticate, is_published

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 200
# A search reads this many words at most (each word is one more condition on every row).
SEARCH_WORDS_MAX = 8


class BadRequest(Exception):
    pass


def _json(data, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Authorization"
    response["Cache-Control"] = "no-store"
    return response


def _unauthorised() -> JsonResponse:
    response = _json(
        {"detail": "A valid read token is needed: Authorization: Bearer <token>."}, 401
    )
    response["WWW-Authenticate"] = 'Bearer realm="hsds"'
    return response


def _organisation(request: HttpRequest, slug: str | None) -> Organisation | None:
    """The directory this request may read; None when it must show a token (401)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    from_token = None
    if header:
        if scheme.lower() != "bearer" or not token.strip():
            return None
        from_token = api_token_authenticate(token.strip())
        if from_token is None:
            return None
    if slug is None:
        return from_token
    organisation = organisation_with_slug(slug)
    if organisation is None:
        raise Http404
    if from_token is not None and from_token.pk == organisation.pk:
        return organisation
    if is_published(organisation):
        return organisation
    raise Http404


def _flag(request: HttpRequest, name: str) -> bool:
    if name not in request.GET:
        return False
    value = request.GET[name]
    if value == "false":
        return False
    if value == "true":
        return True
    raise BadRequest(f"{name} must be true or false.")


def _positive(request: HttpRequest, name: str, default: int, maximum: int | None = None) -> int:
    if name not in request.GET:
        return default
    raw = request.GET[name]
    try:
        value = int(raw)
    except ValueError as exc:
        raise BadRequest(f"{name} must be a whole number.") from exc
    if value < 1 or (maximum is not None and value > maximum):
        raise BadRequest(f"{name} must be between 1 and {maximum or 'the last page'}.")
    return value


def _modified_after(request: HttpRequest) -> datetime | None:
    if "modified_after" not in request.GET:
        return None
    raw = request.GET["modified_after"]
    moment = parse_datetime(raw.replace(" ", "+")) if "T" in raw else None
    if moment is None and (day := parse_date(raw)) is not None:
        moment = datetime.combine(day, time.min)
    if moment is None:
        raise BadRequest("modified_after must be an ISO 8601 date or date-time.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    try:
        # PostgreSQL takes offsets up to ±15:59 only; in UTC any valid moment is accepted.
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise BadRequest("modified_after is out of range.") from exc


def _search(queryset: QuerySet, request: HttpRequest, *fields: str, folded: str = "") -> QuerySet:
    words = request.GET.get("search", "").split()[:SEARCH_WORDS_MAX]
    for word in words:
        query = Q()
        if folded:
            query |= Q(**{f"{folded}__contains": fold(word)})
        for field in fields:
            query |= Q(**{f"{field}__icontains": word})
        queryset = queryset.filter(query)
    return queryset


def _service_filters(services: QuerySet, request: HttpRequest, prefix: str = "") -> QuerySet:
    """HSDS's filters on services (``prefix`` reaches the service from a service_at_location)."""
    services = _search(services, request, f"{prefix}name", folded=f"{prefix}search_text")
    if term := request.GET.get("taxonomy_term_id"):
        services = selectors.api_tagged(services, prefix, taxonomy_term__hsds_id=term)
    if taxonomy := request.GET.get("taxonomy_id"):
        services = selectors.api_tagged(
            services, prefix, taxonomy_term__taxonomy_detail__hsds_id=taxonomy
        )
    if organization := request.GET.get("organization_id"):
        services = services.filter(**{f"{prefix}organization__hsds_id": organization})
    if (moment := _modified_after(request)) is not None:
        services = services.alias(
            modified=Coalesce(f"{prefix}last_modified", f"{prefix}updated_at")
        ).filter(modified__gte=moment)
    return services


def _listing(
    request: HttpRequest, queryset: QuerySet, build: Callable, *, minimal: bool = False
) -> HttpResponse:
    # Paging is checked even for NDJSON (which ignores it), so a bad value is never silently
    # accepted.
    per_page = _positive(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    page = _positive(request, "page", 1)
    if request.GET.get("format", "json") == "ndjson":
        return _ndjson(queryset, build)
    if request.GET.get("format", "json") != "json":
        raise BadRequest("format must be json or ndjson.")
    total = queryset.count()
    pages = max(1, -(-total // per_page))
    rows = _page(queryset, (page - 1) * per_page, per_page) if page <= pages else []
    return _json(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(rows),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": not rows,
            "contents": [build(row) for row in rows],
        }
    )


def _page(queryset: QuerySet, offset: int, size: int) -> list:
    """One page of rows. The page's keys come first, from the index alone; only those rows are
    then read with their joins, so a deep page does not join every row it skips."""
    keys = list(queryset.values_list("pk", flat=True)[offset : offset + size])
    rows = {row.pk: row for row in queryset.filter(pk__in=keys)}
    return [rows[key] for key in keys]


def _ndjson(queryset: QuerySet, build: Callable) -> StreamingHttpResponse:
    def lines() -> Iterable[bytes]:
        for row in queryset.iterator(chunk_size=500):
            yield json.dumps(build(row), ensure_ascii=False).encode() + b"\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson")
    response["Vary"] = "Authorization"
    response["Cache-Control"] = "no-store"
    return response


def hsds_view(view: Callable) -> Callable:
    """GET only; resolve the readable directory first; turn bad parameters into a 400."""

    @require_GET
    def wrapped(request: HttpRequest, *args, slug: str | None = None, **kwargs) -> HttpResponse:
        organisation = _organisation(request, slug)
        if organisation is None:
            return _unauthorised()
        try:
            if any("\x00" in value for value in request.GET.values()):
                # PostgreSQL cannot hold a NUL character in a string, not even to compare.
                raise BadRequest("Parameters must not contain NUL characters.")
            return view(request, organisation, *args, **kwargs)
        except BadRequest as exc:
            return _json({"detail": str(exc)}, 400)
        except Http404:
            return _json({"detail": "Not found."}, 404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # Token-authenticated and read-only: no cookie is read, so a POST is simply a 405, not a
    # CSRF failure.
    return csrf_exempt(wrapped)


@csrf_exempt
@require_GET
def root(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    return _json(
        {
            "version": objects.HSDS_VERSION,
            "profile": "https://specs.openreferral.org/en/v3.0/",
            "openapi_url": request.build_absolute_uri(reverse("hsds_api:openapi")),
        }
    )


@csrf_exempt
@require_GET
def openapi_document(request: HttpRequest) -> HttpResponse:
    return _json(openapi.document())


@hsds_view
def services(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if _flag(request, "minimal"):
        rows = _service_filters(selectors.api_services(organisation), request)
        return _listing(request, rows, objects.minimal)
    full = _flag(request, "full")
    rows = _service_filters(selectors.api_services(organisation, full=full), request)
    return _listing(request, rows, lambda s: objects.service(s, full=full))


@hsds_view
def service(request: HttpRequest, organisation: Organisation, hsds_id: str) -> HttpResponse:
    row = selectors.api_get(selectors.api_services(organisation, full=True), hsds_id)
    return _json(objects.service(row, full=True))


@hsds_view
def organizations(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    full = _flag(request, "full") or _flag(request, "full_service")
    rows = _search(selectors.api_organizations(organisation, full=full), request, "name")
    return _listing(
        request,
        rows,
        lambda o: objects.organization(o, full=full, services=o.services.all() if full else ()),
    )


@hsds_view
def organization(request: HttpRequest, organisation: Organisation, hsds_id: str) -> HttpResponse:
    _flag(request, "full_service")
    row = selectors.api_get(selectors.api_organizations(organisation, full=True), hsds_id)
    return _json(objects.organization(row, full=True, services=row.services.all()))


@hsds_view
def service_at_locations(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    full = _flag(request, "full")
    rows = selectors.api_service_at_locations(organisation, full=full)
    rows = rows.filter(service__in=_service_filters(selectors.api_services(organisation), request))
    return _listing(request, rows, lambda x: objects.service_at_location(x, full=full))


@hsds_view
def service_at_location(
    request: HttpRequest, organisation: Organisation, hsds_id: str
) -> HttpResponse:
    row = selectors.api_get(selectors.api_service_at_locations(organisation, full=True), hsds_id)
    return _json(objects.service_at_location(row, full=True))


@hsds_view
def taxonomies(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    rows = _search(selectors.api_taxonomies(organisation), request, "name", "description")
    return _listing(request, rows, objects.taxonomy)


@hsds_view
def taxonomy(request: HttpRequest, organisation: Organisation, hsds_id: str) -> HttpResponse:
    return _json(
        objects.taxonomy(selectors.api_get(selectors.api_taxonomies(organisation), hsds_id))
    )


@hsds_view
def taxonomy_terms(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    rows = _search(selectors.api_taxonomy_terms(organisation), request, "name", "description")
    if taxonomy_id := request.GET.get("taxonomy_id"):
        rows = rows.filter(taxonomy_detail__hsds_id=taxonomy_id)
    if parent_id := request.GET.get("parent_id"):
        rows = rows.filter(parent__hsds_id=parent_id)
    if _flag(request, "top_only"):
        rows = rows.filter(parent=None)
    return _listing(request, rows, objects.taxonomy_term)


@hsds_view
def taxonomy_term(request: HttpRequest, organisation: Organisation, hsds_id: str) -> HttpResponse:
    row = selectors.api_get(selectors.api_taxonomy_terms(organisation), hsds_id)
    return _json(objects.taxonomy_term(row))
