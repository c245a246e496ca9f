"""How the inventory's audit events read (see accounts/audit.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit import Sentence

SENTENCES = [
    Sentence("boundaries.summary.shared", _("%(actor)s shared an inventory summary")),
    Sentence("boundaries.summary.revoked", _("%(actor)s stopped sharing an inventory summary")),
    Sentence("boundaries.summary.read", _("%(actor)s read a shared inventory summary")),
]
