"""URLs of referrals, under /directory/referrals/ where they have always been."""

from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="referral_list"),
    path("new/", views.referral_create, name="referral_create"),
    path("<uuid:referral_uuid>/", views.referral_detail, name="referral_detail"),
]
