"""The referrals made for a journal client, as the journal sees them through
``journal.client_data``: listed on the client's page, carried in the journal export, counted on
the delete page and erased with the client. Registered in ``ReferralsConfig.ready()``."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext

from journal.client_data import ClientRecords, RecordLink
from journal.models import Client
from referrals import selectors, services


def _links(client: Client) -> list[RecordLink]:
    return [
        RecordLink(str(referral), reverse("referrals:referral_detail", args=[referral.uuid]))
        for referral in selectors.referrals_about([client])
    ]


def _export(clients: Sequence[Client]) -> dict[int, list[dict[str, Any]]]:
    exported: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for referral in selectors.referrals_about(clients):
        exported[referral.client_id].append({"id": str(referral.uuid), "summary": str(referral)})
    return exported


def _tally(client: Client) -> str:
    count = selectors.referrals_about([client]).count()
    return ngettext("%(count)d referral", "%(count)d referrals", count) % {"count": count}


def _erase(client: Client) -> None:
    services.client_referrals_erase(client=client)


CLIENT_RECORDS = ClientRecords(
    key="referrals",
    title=gettext_lazy("Referrals"),
    links=_links,
    export=_export,
    tally=_tally,
    erase=_erase,
)
