from django.urls import path

from journal import views

app_name = "journal"

urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("entries/new/", views.entry_new, name="entry_new"),
    path("entries/<uuid:entry_uuid>/", views.entry_detail, name="entry"),
    path("entries/<uuid:entry_uuid>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<uuid:entry_uuid>/autosave/", views.entry_autosave, name="entry_autosave"),
    path("entries/<uuid:entry_uuid>/resume/", views.entry_resume, name="entry_resume"),
    path("entries/<uuid:entry_uuid>/discard/", views.entry_discard, name="entry_discard"),
    path("entries/<uuid:entry_uuid>/share/", views.entry_share, name="entry_share"),
    path("entries/<uuid:entry_uuid>/flags/", views.flag_report, name="flag_report"),
    path("detect/", views.detect_live, name="detect"),
    path("flags/<uuid:flag_uuid>/confirm/", views.flag_confirm, name="flag_confirm"),
    path("flags/<uuid:flag_uuid>/dismiss/", views.flag_dismiss, name="flag_dismiss"),
    path("clients/", views.client_list, name="clients"),
    path("clients/new/", views.client_create, name="client_new"),
    path("clients/<uuid:client_uuid>/", views.client_detail, name="client"),
    path("clients/<uuid:client_uuid>/edit/", views.client_edit, name="client_edit"),
    path("clients/<uuid:client_uuid>/delete/", views.client_delete, name="client_delete"),
    path("review/", views.review_queue, name="review"),
    path("review/<uuid:flag_uuid>/", views.review_flag_redirect, name="review_flag"),
    path("review/<uuid:flag_uuid>/open/", views.review_item, name="review_item"),
    path("review/<uuid:flag_uuid>/save/", views.review_flag, name="review_save"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<uuid:meeting_uuid>/", views.meeting_detail, name="meeting"),
    path("trends/", views.trends, name="trends"),
    path("team/", views.team_trends, name="team"),
    path("export/", views.export, name="export"),
    path("detector/", views.detector_precision, name="detector_precision"),
    path("crossings/<slug:category>/", views.crossing_help, name="crossing_help"),
]
