"""Writes for referrals: making one (with the client's consent) schedules its follow-up reminder,
recording the outcome cancels it. Each runs in a transaction and writes its audit entry."""

from datetime import date, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import reminders
from accounts.models import User
from accounts.services import audit_log
from directory.models import Service
from journal.models import Client
from referrals.models import Referral
from referrals.reminders import referral_followup_cancel, referral_followup_schedule

# A referral identical to one the practitioner made this recently (same client, service and
# reason) is the same referral sent twice: Back then Send, with the text the browser kept.
REPEAT_WINDOW = timedelta(minutes=10)


class ReferralAlreadyMade(Exception):
    """The referral asked for exists already; ``referral`` is the one made before."""

    def __init__(self, referral: Referral):
        super().__init__(f"referral {referral.uuid} was already made")
        self.referral = referral


@transaction.atomic
def referral_create(
    *,
    by: User,
    client,
    service: Service,
    reason: str,
    client_consented: bool,
    follow_up_on: date,
    entry=None,
    form_token: UUID | None = None,
) -> Referral:
    """Record a referral and schedule its follow-up reminder.

    Raises ``ReferralAlreadyMade`` instead of making a second one when the form was sent again
    with the same ``form_token`` (a double click), or when the practitioner made the same
    referral (client, service and reason) less than ``REPEAT_WINDOW`` ago: Back reloads the
    form with a new token, but the browser keeps what was typed."""
    if form_token is not None:
        made = Referral.objects.filter(uuid=form_token).first()
        if made is not None:
            if made.owner_id != by.pk:
                raise ValidationError(_("This form was already used. Open it again."))
            raise ReferralAlreadyMade(made)
    if client.owner_id != by.pk or (entry is not None and entry.owner_id != by.pk):
        raise ValidationError(_("You can only refer your own clients."))
    # Two sends at the same moment wait for each other here, so the second finds the first.
    Client.objects.select_for_update().filter(pk=client.pk).first()
    repeated = (
        Referral.objects.filter(
            owner=by,
            client=client,
            service=service,
            reason=reason.strip(),
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        )
        .order_by("-created_at")
        .first()
    )
    if repeated is not None:
        raise ReferralAlreadyMade(repeated)
    if service.owner_id != client.organisation_id:
        raise ValidationError(_("This service is not in your directory."))
    if not client_consented:
        raise ValidationError({"client_consented": _("Refer only with the client's agreement.")})
    referral = Referral.objects.create(
        **({"uuid": form_token} if form_token is not None else {}),
        owner=by,
        organisation_id=client.organisation_id,
        client=client,
        entry=entry,
        service=service,
        service_name=service.name,
        reason=reason.strip(),
        client_consented=client_consented,
        follow_up_on=follow_up_on,
    )
    referral_followup_schedule(referral)
    audit_log(
        organisation=referral.organisation,
        actor=by,
        action="referrals.referral.created",
        target=referral,
        data={"service": str(service.uuid)},
    )
    return referral


@transaction.atomic
def referral_record_outcome(*, referral: Referral, outcome: str, note: str, by: User) -> Referral:
    """Record what came of a referral; the pending follow-up reminder is cancelled."""
    if referral.owner_id != by.pk:
        raise ValidationError(
            _("Only the practitioner who made the referral can record its outcome.")
        )
    if outcome not in Referral.Outcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    referral.outcome = outcome
    referral.outcome_note = note.strip()
    referral.outcome_at = timezone.now()
    referral.save(update_fields=["outcome", "outcome_note", "outcome_at"])
    referral_followup_cancel(referral)
    audit_log(
        organisation=referral.organisation,
        actor=by,
        action="referrals.referral.outcome",
        target=referral,
        data={"outcome": outcome},
    )
    return referral


@transaction.atomic
def client_referrals_erase(*, client) -> int:
    """Erase every referral made for ``client`` and withdraw the follow-ups still waiting about
    them; the journal calls it, through ``journal.client_data``, when it erases the client.
    Returns how many referrals were erased."""
    referrals = Referral.objects.filter(client=client)
    reminders.cancel(abouts=[referral.about for referral in referrals.only("uuid")])
    erased, _by_model = referrals.delete()
    return erased
