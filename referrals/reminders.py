"""The referrals' reminder: a follow-up on a referral's date. Registered in
``ReferralsConfig.ready()``."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import reminders
from accounts.access import Role
from referrals.models import Referral
from reminders.registry import Data, ReminderKind


def _referral_followup_text(data: Data) -> str:
    resource = data.get("resource") or data.get("service")
    if data.get("client") and resource:
        return _("Ask client %(client)s how the referral to %(resource)s went") % {
            "client": data["client"],
            "resource": resource,
        }
    return _("Ask client %(client)s how the referral went") % {"client": data["client"]}


REFERRAL_FOLLOWUP = ReminderKind(
    code="referral_followup",
    label=gettext_lazy("Follow up on a referral"),
    text=_referral_followup_text,
    roles=(Role.PRACTITIONER,),
)
KINDS = (REFERRAL_FOLLOWUP,)


def referral_followup_key(referral: Referral) -> str:
    return f"referral_followup:{referral.uuid}"


def referral_followup_schedule(referral: Referral) -> None:
    """Remind the practitioner to ask how the referral went, on its follow-up date (when their
    working day starts). Call it in the transaction that records the referral."""
    reminders.schedule(
        kind=REFERRAL_FOLLOWUP,
        recipient=referral.owner,
        on=referral.follow_up_on,
        about=referral.about,
        key=referral_followup_key(referral),
        link=reverse("referrals:referral_detail", args=[referral.uuid]),
        # What the reminder's sentence needs ("Ask client K-17 how the referral to ... went"):
        # the pseudonymous code and the service, never the reason.
        data={"client": referral.client.code, "resource": referral.service_name},
    )


def referral_followup_cancel(referral: Referral) -> None:
    reminders.cancel(about=referral.about, kinds=[REFERRAL_FOLLOWUP])
