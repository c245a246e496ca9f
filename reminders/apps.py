from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from accounts.audit import register as audit_register
        from accounts.signals import working_time_changed
        from reminders import audit as reminders_audit

        working_time_changed.connect(_replan, dispatch_uid="reminders.replan")
        audit_register(reminders_audit.SENTENCES)


def _replan(sender, *, user, **kwargs) -> None:
    """Someone's time zone or working hours changed: so does when their reminders arrive."""
    from reminders.services import reminders_replan

    reminders_replan(recipient=user)
