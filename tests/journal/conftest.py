import pytest

from journal import services
from journal.models import Flag
from tests.factories import EntryFactory, FlagFactory


@pytest.fixture
def make_entry():
    """A saved entry for ``owner``, through the service: the detector's suggestions are made
    (for tests of detection and saving; other tests use ``EntryFactory``)."""
    counter = {"n": 0}

    def make(owner, notes="Calm session about the job search.", *, client=None, **fields):
        counter["n"] += 1
        client = client or services.client_create(owner=owner, code=f"T-{counter['n']:03d}")
        entry = services.entry_create(owner=owner, client=client)
        data = {
            "occurred_at": entry.occurred_at,
            "duration_minutes": 60,
            "setting": "office",
            "notes": notes,
            "felt": "",
            "went_well": "",
            "differently": "",
            "next_steps": "",
            "self_check": {},
            **fields,
        }
        return services.entry_save(entry=entry, data=data, base_version=entry.version, by=owner)

    return make


@pytest.fixture
def confirmed_flag(demo):
    """Ana's entry with a giving_money crossing that she confirmed (her supervisor:
    demo.supervisor). The suggestion is made by a factory, not the detector, so a change to the
    slip rules leaves this alone; the confirmation goes through the service (its reminders)."""
    entry = EntryFactory(
        owner=demo.ana, notes="I gave him ten euros from my own pocket for the bus."
    )
    flag = FlagFactory(entry=entry, category="giving_money", quote="ten euros from my own pocket")
    services.flag_confirm(flag=flag, by=demo.ana)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED
    return flag
