"""Response headers that hold for the whole site."""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


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
