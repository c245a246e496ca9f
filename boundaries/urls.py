"""URLs of the self-inventory, all under /inventory/ (see config/urls.py)."""

from django.urls import path

from boundaries import views

app_name = "boundaries"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("take/<uuid:take_uuid>/", views.take, name="take"),
    path("take/<uuid:take_uuid>/step/<int:number>/", views.step, name="step"),
    path("take/<uuid:take_uuid>/answer/", views.answer, name="answer"),
    path("take/<uuid:take_uuid>/finish/", views.finish, name="finish"),
    path("results/<uuid:take_uuid>/", views.results, name="results"),
    path("register/", views.register, name="register"),
    path("register/new/", views.topic_create, name="topic_create"),
    path("register/<uuid:topic_uuid>/edit/", views.topic_edit, name="topic_edit"),
    path("register/<uuid:topic_uuid>/delete/", views.topic_delete, name="topic_delete"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/<uuid:share_uuid>/revoke/", views.share_revoke, name="share_revoke"),
    path("shared/", views.shared, name="shared"),
    path("shared/<uuid:share_uuid>/", views.shared_summary, name="shared_summary"),
    path("sections/<slug:section>/", views.section_help, name="section_help"),
]
