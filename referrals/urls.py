"""URLs of the referrals app; its pages arrive with its feature."""

app_name = "referrals"

urlpatterns: list = []
