"""URLs of the reminders app."""

from django.urls import path

from reminders import views

app_name = "reminders"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("badge/", views.badge, name="badge"),
    path("<uuid:reminder_uuid>/open/", views.open_reminder, name="open"),
    path("<uuid:reminder_uuid>/done/", views.done, name="done"),
    path("<uuid:reminder_uuid>/snooze/", views.snooze, name="snooze"),
    path("settings/", views.settings, name="settings"),
    path("settings/calendar/", views.calendar_regenerate, name="calendar_regenerate"),
    path("settings/calendar/revoke/", views.calendar_revoke, name="calendar_revoke"),
    path("calendar/<str:token>.ics", views.calendar, name="calendar"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("failed/", views.failed, name="failed"),
    path("failed/<uuid:reminder_uuid>/retry/", views.retry, name="retry"),
]
