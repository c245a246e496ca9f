"""How referrals' audit events read (see accounts/audit.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.audit import Sentence

SENTENCES = [
    Sentence("referrals.referral.created", _("%(actor)s referred a client to a service")),
    Sentence("referrals.referral.outcome", _("%(actor)s noted how a referral went")),
]
