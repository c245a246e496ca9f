"""URLs of the journal app; its pages arrive with its feature."""

app_name = "journal"

urlpatterns: list = []
