from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = _("Reminders")

    def ready(self) -> None:
        from accounts.signals import working_time_changed

        working_time_changed.connect(_replan, dispatch_uid="reminders.replan")


def _replan(sender, *, user, **kwargs) -> None:
    """Someone's time zone or working hours changed: so does when their reminders arrive."""
    from reminders.services import reminders_replan

    reminders_replan(recipient=user)
