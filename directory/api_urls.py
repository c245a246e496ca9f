"""The HSDS API under /api/hsds/ (the token says whose directory) and /api/hsds/<slug>/ (an
agency's openly published directory, or its own with its token)."""

from django.urls import include, path

from directory import api

app_name = "hsds_api"

resources = [
    path("", api.root, name="root"),
    path("services", api.services, name="services"),
    path("services/<str:hsds_id>", api.service, name="service"),
    path("organizations", api.organizations, name="organizations"),
    path("organizations/<str:hsds_id>", api.organization, name="organization"),
    path("service_at_locations", api.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:hsds_id>", api.service_at_location, name="service_at_location"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomies/<str:hsds_id>", api.taxonomy, name="taxonomy"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:hsds_id>", api.taxonomy_term, name="taxonomy_term"),
]

urlpatterns = [
    path("openapi.json", api.openapi_document, name="openapi"),
    path("", include((resources, "hsds_api"), namespace="token")),
    path("<slug:slug>/", include((resources, "hsds_api"), namespace="open")),
]
