"""URLs of the directory (under /directory/): search for everyone in the agency, maintenance for
its admins and a public page for a service's own contact. Referrals are under
/directory/referrals/ (``referrals.urls``)."""

from django.urls import path

from directory import views

app_name = "directory"

urlpatterns = [
    path("", views.search, name="search"),
    path("services/<uuid:service_uuid>/", views.service_detail, name="service"),
    path("manage/", views.manage, name="manage"),
    path("manage/services/new/", views.service_create, name="service_create"),
    path("manage/services/<uuid:service_uuid>/edit/", views.service_edit, name="service_edit"),
    path(
        "manage/services/<uuid:service_uuid>/status/", views.service_status, name="service_status"
    ),
    path(
        "manage/services/<uuid:service_uuid>/do-not-refer/",
        views.service_do_not_refer,
        name="service_do_not_refer",
    ),
    path(
        "manage/services/<uuid:service_uuid>/verify/", views.service_verify, name="service_verify"
    ),
    path(
        "manage/services/<uuid:service_uuid>/request-verification/",
        views.service_request_verification,
        name="service_request_verification",
    ),
    path("manage/verification/", views.verification, name="verification"),
    path("manage/categories/", views.categories, name="categories"),
    path("manage/corrections/", views.corrections, name="corrections"),
    path("manage/corrections/<uuid:correction_uuid>/", views.correction_detail, name="correction"),
    path("manage/import/", views.import_upload, name="import_upload"),
    path("manage/import/<uuid:import_uuid>/", views.import_detail, name="import_detail"),
    path("manage/import/<uuid:import_uuid>/confirm/", views.import_confirm, name="import_confirm"),
    path("manage/export/", views.export, name="export"),
    path("manage/api/", views.api_access_manage, name="api_access"),
    path(
        "manage/api/tokens/<uuid:token_uuid>/revoke/",
        views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("manage/pulls/", views.subscriptions, name="subscriptions"),
    path(
        "manage/pulls/<uuid:subscription_uuid>/",
        views.subscription_detail,
        name="subscription",
    ),
    path(
        "manage/pulls/<uuid:subscription_uuid>/pull/",
        views.subscription_pull_now,
        name="subscription_pull",
    ),
    path(
        "manage/pulls/<uuid:subscription_uuid>/delete/",
        views.subscription_delete,
        name="subscription_delete",
    ),
    path(
        "manage/pulls/changes/<uuid:change_set_uuid>/", views.change_set_detail, name="change_set"
    ),
    path(
        "manage/services/<uuid:service_uuid>/note-to-source/",
        views.service_source_note,
        name="service_source_note",
    ),
    path("verify/<str:token>/", views.public_verify, name="public_verify"),
]
