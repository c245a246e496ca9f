from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "directory"
    verbose_name = _("Referral directory")

    def ready(self) -> None:
        from accounts.audit import register as audit_register
        from directory import audit as directory_audit
        from directory import reminders
        from directory.services import pulls
        from reminders.registry import register

        register(kinds=reminders.KINDS, beat=reminders.BEAT)
        register(beat=pulls.BEAT)
        audit_register(directory_audit.SENTENCES)
