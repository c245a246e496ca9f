"""How the directory's audit events read (see accounts/audit.py). Its services kept the
``referrals.*`` codes they were written with before the directory became an app of its own."""

from django.utils.translation import gettext_lazy as _

from accounts.audit import Sentence

SENTENCES = [
    Sentence("referrals.service.created", _("%(actor)s added the service %(name)s")),
    Sentence("referrals.service.updated", _("%(actor)s updated the service %(name)s")),
    Sentence("referrals.service.status_changed", _("%(actor)s changed a service's status")),
    Sentence("referrals.service.do_not_refer", _("%(actor)s marked a service: do not refer")),
    Sentence("referrals.service.refer_again", _("%(actor)s allowed referrals to a service again")),
    Sentence("referrals.service.verified", _("%(actor)s confirmed a service's details")),
    Sentence(
        "referrals.service.verification_requested",
        _("%(actor)s asked %(email)s to check a service's details"),
    ),
    Sentence(
        "referrals.service.verified_by_contact",
        _("%(email)s confirmed a service's details"),
    ),
    Sentence("referrals.correction.submitted", _("%(email)s sent a correction to a service")),
    Sentence("referrals.correction.approved", _("%(actor)s accepted a correction")),
    Sentence("referrals.correction.rejected", _("%(actor)s turned down a correction")),
    Sentence("referrals.category.created", _("%(actor)s added the category %(name)s")),
    Sentence("referrals.import.uploaded", _("%(actor)s uploaded %(filename)s to import")),
    Sentence("referrals.import.confirmed", _("%(actor)s confirmed an import")),
    Sentence("referrals.import.applied", _("%(actor)s imported %(filename)s")),
    Sentence("referrals.directory.exported", _("%(actor)s exported the directory")),
    Sentence("directory.api.published", _("%(actor)s published the directory openly")),
    Sentence("directory.api.unpublished", _("%(actor)s stopped publishing the directory openly")),
    Sentence("directory.api_token.created", _("%(actor)s created the read token %(name)s")),
    Sentence("directory.api_token.revoked", _("%(actor)s revoked the read token %(name)s")),
    Sentence(
        "directory.subscription.created",
        _("%(actor)s subscribed to the directory %(name)s"),
    ),
    Sentence("directory.subscription.changed", _("%(actor)s changed a directory subscription")),
    Sentence(
        "directory.subscription.deleted",
        _("%(actor)s ended the subscription to %(name)s"),
    ),
    Sentence("directory.pull.applied", _("%(actor)s applied changes from %(subscription)s")),
    Sentence("directory.pull.rejected", _("%(actor)s turned down changes from %(subscription)s")),
    Sentence("directory.source_note.created", _("%(actor)s sent a note to a directory's source")),
]
