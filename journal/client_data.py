"""What other apps keep about a journal client, reached without importing them.

A client is the journal's, but other apps keep records about one (the referrals made for them).
Each such app declares a ``ClientRecords`` and registers it from its ``AppConfig.ready()``. The
client's page lists those records, the journal export carries them, the delete page counts them
and erasing the client erases them, all by iterating this registry: the journal never imports
those apps nor follows their reverse relations to its models.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

if TYPE_CHECKING:
    from journal.models import Client


@dataclass(frozen=True)
class RecordLink:
    """One record on the client's page: what it says and where it leads."""

    text: str
    url: str


@dataclass(frozen=True)
class RecordSection:
    """One app's records on the client's page, under their heading."""

    title: str | Promise
    links: list[RecordLink]


@dataclass(frozen=True, eq=False)
class ClientRecords:
    """One app's records about clients.

    ``key`` names them in the journal export (a list under each client) and must be unique;
    ``title`` heads them on the client's page, where ``links`` lists them; ``export`` gives the
    records of several clients at once as plain data, by client primary key; ``tally`` says how
    many there are, in words ("2 referrals"), on the delete page; ``erase`` deletes them, and
    withdraws the reminders still waiting about them, inside the transaction that erases the
    client.
    """

    key: str
    title: str | Promise
    links: Callable[["Client"], list[RecordLink]]
    export: Callable[[Sequence["Client"]], Mapping[int, list[dict[str, Any]]]]
    tally: Callable[["Client"], str]
    erase: Callable[["Client"], None]

    def __repr__(self) -> str:
        return f"<ClientRecords {self.key}>"


_records: dict[str, ClientRecords] = {}


def register(records: ClientRecords) -> None:
    """Declare an app's records about clients; call it from the app's ``AppConfig.ready()``.
    Registering the same records again is harmless."""
    known = _records.get(records.key)
    if known is not None and known is not records:
        raise ImproperlyConfigured(f"Two apps keep client records under {records.key!r}")
    _records[records.key] = records


def registered() -> list[ClientRecords]:
    """Every app's client records, in the order the apps registered them."""
    return list(_records.values())
