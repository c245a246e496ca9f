"""How reminders' audit events read (see accounts/audit.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit import Sentence

SENTENCES = [
    Sentence("reminders.reminder.retried", _("%(actor)s sent a failed reminder again")),
]
