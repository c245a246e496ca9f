"""The property-based sweep: every URL the resolver knows, as each role, gets random and hostile
form posts and query strings. Nothing answers with a 500, and a refused post (4xx) saves
nothing. A new form or htmx endpoint is covered as soon as its URL exists.

One pass over every URL per role in the normal suite; for a longer run, more passes with other
values: ``LIMEN_SWEEP_EXAMPLES=60 pytest tests/config/test_sweep.py``.
"""

import os
import re
import uuid

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db


ROLES = ["anonymous", "ana", "supervisor", "admin"]
# Each example is a whole pass: every URL, its form's fields filled with drawn values.
EXAMPLES = int(os.environ.get("LIMEN_SWEEP_EXAMPLES", "1"))
SKIPPED_PREFIXES = ("admin/", "static/")
# Signing out would end the role for the URLs after it.
SKIPPED_NAMES = {"logout"}
# Apps whose rows a refused post must leave alone.
APPS = ["accounts", "boundaries", "journal", "directory", "referrals", "reminders"]

HOSTILE_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9999-12-31",
    "0000-00-00",
    "-1",
    "1e309",
    "NaN",
    "99999999999999999999999",
    "%00%ff",
    "\ud7ff\ufffd",
    "A" * 5000,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ✓",
    str(uuid.uuid4()),
    "../../etc/passwd",
    "{{ 7*7 }}",
]
values = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=200),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.lists(st.sampled_from(HOSTILE_TEXT), min_size=2, max_size=3),
)


def _walk(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _uuids_by_kwarg():
    """A real uuid for each kind of object a URL names, so the sweep reaches the forms behind
    them (``member_uuid`` → a Membership, ``service_uuid`` → a Service …)."""
    found = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        if "uuid" not in {f.name for f in model._meta.get_fields()}:
            continue
        row = model.objects.order_by("pk").values_list("uuid", flat=True).first()
        if row is not None:
            found.setdefault(model.__name__.lower(), row)
    return found


KWARG_MODELS = {
    "member": "membership",
    "link": "supervisionlink",
    "service": "service",
    "entry": "entry",
    "import": "directoryimport",
    "correction": "pendingcorrection",
}


def _fill(route: str, uuids: dict) -> str:
    def replace(match):
        converter, name = match.group(1) or "str", match.group(2)
        if converter == "uuid":
            key = name.removesuffix("_uuid")
            model = KWARG_MODELS.get(key, key)
            return str(uuids.get(model) or next(iter(uuids.values()), uuid.uuid4()))
        if converter in ("int", "path"):
            return "1"
        return "x"

    route = re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)
    route = route.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + route


def endpoints(uuids: dict) -> list[str]:
    urls = []
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(SKIPPED_PREFIXES) or "(?P" in route or pattern.name in SKIPPED_NAMES:
            continue
        urls.append(_fill(route, uuids))
    return sorted(set(urls))


def field_names(html: str) -> list[str]:
    names = set(re.findall(r'name="([^"]+)"', html)) - {"csrfmiddlewaretoken"}
    return sorted(names)[:40]


def row_counts() -> dict:
    """Rows per model of the apps, in one query (no default manager filters rows)."""
    models = [model for app in APPS for model in apps.get_app_config(app).get_models()]
    quote = connection.ops.quote_name
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(m._meta.db_table)})" for m in models)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip([m._meta.label for m in models], cursor.fetchone(), strict=True))


@pytest.fixture
def signed_in(client, demo, request):
    role = request.param
    if role != "anonymous":
        client.force_login(getattr(demo, role))
    return client


@pytest.mark.parametrize("signed_in", ROLES, indirect=True)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_posts_never_break_a_page_nor_half_save(signed_in, data):
    client = signed_in
    uuids = _uuids_by_kwarg()
    for url in endpoints(uuids):
        page = client.get(url)
        assert page.status_code < 500, url
        names = field_names(page.content.decode(errors="replace")) or ["name", "q"]
        payload = {name: data.draw(values, label=f"{url} {name}") for name in names}
        payload[data.draw(st.text(min_size=1, max_size=20), label="extra")] = "x"
        for headers in ({}, {"HX-Request": "true"}):
            before = row_counts()
            response = client.post(url, payload, headers=headers)
            assert response.status_code < 500, (url, payload)
            if 400 <= response.status_code < 500:
                assert row_counts() == before, (url, response.status_code)


QUERIES = [
    "q=" + "A" * 20_000,
    "q=%zz%zz",
    "q=%00",
    "q=%ff%fe",
    "page=-1",
    "page=99999999999999999999999",
    "&&&===",
    "q[]=1&q[]=2",
]


@pytest.mark.parametrize("signed_in", ["anonymous", "admin"], indirect=True)
def test_overlong_and_malformed_query_strings_get_400_or_are_harmless(signed_in):
    client = signed_in
    for url in endpoints(_uuids_by_kwarg()):
        for query in QUERIES:
            response = client.get(f"{url}?{query}")
            assert response.status_code < 500, (url, query)
            if len(query) > 4096 or "%00" in query or "%ff" in query:
                assert response.status_code in (400, 404), (url, query, response.status_code)
