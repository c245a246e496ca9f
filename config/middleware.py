"""Response headers that hold for the whole site."""

from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _


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
    database refuses)."""

    MAX_QUERY_STRING = 4096

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        raw = request.META.get("QUERY_STRING", "")
        if raw and not self._acceptable(raw):
            return HttpResponseBadRequest(
                _("This address is too long or malformed."), content_type="text/plain"
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
