"""Response headers that hold for the whole site."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import url_has_allowed_host_and_scheme


class PermissionsPolicyMiddleware:
    """Tell the browser that no page of Limen uses the camera, microphone, location and the
    like, so an injected script or frame cannot ask for them either."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.value = ", ".join(
            f"{feature}=({' '.join(allow)})"
            for feature, allow in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class NoStoreWhenSignedInMiddleware:
    """Nothing shown to a signed-in person is kept by the browser or a proxy: pages, htmx
    fragments and downloads carry notes about clients, and a shared computer's back button or
    disk cache must not bring them back after signing out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # Checked again afterwards: signing in happens during the request.
        if signed_in or request.user.is_authenticated:
            add_never_cache_headers(response)
        return response


class QueryStringGuardMiddleware:
    """A query string no page of Limen could have made is answered 400 before any view runs: one
    longer than ``MAX_QUERY_STRING``, or one that decodes to a NUL character or to bytes that
    are not UTF-8 (Django would pass those on as replacement characters or NULs, which the
    database refuses). The answer is a page of the site (``400.html``), in the person's language
    and with the site's headers, linking to the same page without its query string."""

    MAX_QUERY_STRING = 4096

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if raw and not self._acceptable(raw):
            return render(
                request, "400.html", {"without_query": _without_query(request)}, status=400
            )
        return self.get_response(request)

    def _acceptable(self, raw: str) -> bool:
        if len(raw) > self.MAX_QUERY_STRING:
            return False
        try:
            pairs = parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            return False
        return not any("\x00" in key or "\x00" in value for key, value in pairs)


def _without_query(request) -> str:
    """The requested page's own address, or the overview's where the path alone would lead
    elsewhere ("//host/…" and "/\\host/…" are read by browsers as another site)."""
    path = escape_uri_path(request.path)
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else reverse("home")
