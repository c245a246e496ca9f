from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from journal import client_data as journal_client_data
        from referrals import client_data, reminders
        from reminders.registry import register

        register(kinds=reminders.KINDS)
        journal_client_data.register(client_data.CLIENT_RECORDS)
