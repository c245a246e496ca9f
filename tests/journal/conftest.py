import pytest

from journal import services
from journal.models import Flag


@pytest.fixture
def make_entry():
    """A saved entry for ``owner`` (its detector suggestions created), with a new client."""
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
def confirmed_flag(demo, make_entry):
    """Ana's entry with a confirmed giving_money crossing (her supervisor: demo.supervisor)."""
    entry = make_entry(demo.ana, "I gave him ten euros from my own pocket for the bus.")
    flag = entry.flags.get(category="giving_money")
    services.flag_confirm(flag=flag, by=demo.ana)
    flag.refresh_from_db()
    assert flag.status == Flag.Status.CONFIRMED
    return flag
