"""Root URLs: the overview, each app's pages under its own prefix, plus health, i18n and the
Django admin."""

from django.contrib import admin
from django.urls import include, path

from config import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("inventory/", include("boundaries.urls")),
    path("journal/", include("journal.urls")),
    # Referrals keep the addresses they had inside the directory: /directory/referrals/...
    path("directory/referrals/", include("referrals.urls")),
    path("directory/", include("directory.urls")),
    path("api/hsds/", include("directory.api_urls")),
    path("reminders/", include("reminders.urls")),
    path("", include("accounts.urls")),
]
