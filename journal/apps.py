from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "journal"
    verbose_name = _("Session journal")

    def ready(self) -> None:
        from accounts.audit import register as audit_register
        from journal import audit as journal_audit
        from journal import reminders
        from reminders.registry import register

        register(kinds=reminders.KINDS, beat=reminders.BEAT, calendar=reminders.calendar_events)
        audit_register(journal_audit.SENTENCES)
