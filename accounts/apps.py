from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("People and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import audit
        from accounts.middleware import session_started
        from accounts.two_factor import signed_in

        user_logged_in.connect(session_started, dispatch_uid="accounts.session_started")
        user_logged_in.connect(signed_in, dispatch_uid="accounts.two_factor.signed_in")
        audit.register(audit.SENTENCES)
