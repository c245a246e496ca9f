from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoundariesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "boundaries"
    verbose_name = _("Bias self-inventory")

    def ready(self) -> None:
        from accounts.audit import register as audit_register
        from boundaries import audit as boundaries_audit
        from boundaries import reminders
        from reminders.registry import register

        register(kinds=reminders.KINDS, beat=reminders.BEAT)
        audit_register(boundaries_audit.SENTENCES)
