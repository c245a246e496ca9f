"""URLs of the boundaries app; its pages arrive with its feature."""

app_name = "boundaries"

urlpatterns: list = []
