"""URLs of the reminders app; its pages arrive with its feature."""

app_name = "reminders"

urlpatterns: list = []
