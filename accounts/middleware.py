"""Show each signed-in person Limen in their own language and time zone."""

from django.utils import timezone, translation


class UserPreferencesMiddleware:
    """After authentication: the user's saved language wins over the browser's, and times are
    shown in the user's time zone. Anonymous visitors keep LocaleMiddleware's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if user.language:
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
            timezone.activate(user.tzinfo)
        else:
            timezone.deactivate()
        response = self.get_response(request)
        if user is not None and user.is_authenticated and user.language:
            response.headers.setdefault("Content-Language", user.language)
        return response
