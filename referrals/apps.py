from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from accounts.audit import register as audit_register
        from journal import client_data as journal_client_data
        from referrals import audit as referrals_audit
        from referrals import client_data, reminders
        from reminders.registry import register

        register(kinds=reminders.KINDS)
        journal_client_data.register(client_data.CLIENT_RECORDS)
        audit_register(referrals_audit.SENTENCES)
