"""Root URLs: the overview, each app's pages under its own prefix, plus health, i18n and the
Django admin."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import bench_floors, health, views

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

if settings.LIMEN_BENCH_FLOORS:
    urlpatterns += [
        path("bench/floor/ok/", bench_floors.floor_ok, name="bench_floor_ok"),
        path("bench/floor/layout/", bench_floors.floor_layout, name="bench_floor_layout"),
    ]
