from django.urls import include, path

from accounts import two_factor_views, views

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/login/code/", two_factor_views.verify, name="two_factor_verify"),
    path("accounts/two-factor/", two_factor_views.enrol, name="two_factor_enrol"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("supervisees/", views.supervisees, name="supervisees"),
    path(
        "supervision/<uuid:link_uuid>/understood/",
        views.supervision_acknowledge,
        name="supervision_acknowledge",
    ),
    path("organisation/", views.organisation, name="organisation"),
    path(
        "organisation/two-factor/",
        two_factor_views.organisation_require,
        name="two_factor_require",
    ),
    path("organisation/members/add/", views.member_add, name="member_add"),
    path("organisation/members/<uuid:member_uuid>/", views.member_edit, name="member_edit"),
    path(
        "organisation/members/<uuid:member_uuid>/active/",
        views.member_set_active,
        name="member_set_active",
    ),
    path(
        "organisation/members/<uuid:member_uuid>/invite/",
        views.member_resend_invite,
        name="member_resend_invite",
    ),
    path(
        "organisation/members/<uuid:member_uuid>/two-factor/reset/",
        two_factor_views.member_reset,
        name="two_factor_reset",
    ),
    path("organisation/pairs/add/", views.supervision_add, name="supervision_add"),
    path("organisation/pairs/<uuid:link_uuid>/", views.supervision_edit, name="supervision_edit"),
    path(
        "organisation/pairs/<uuid:link_uuid>/delete/",
        views.supervision_delete,
        name="supervision_delete",
    ),
]
