"""Journal forms: identifier warnings, and the ranges every date and number must fall in."""

import pytest

from journal.forms import identifier_warnings


@pytest.mark.parametrize(
    "text,found",
    [
        ("Mail her at jan.de.vries+work@example.co.uk tomorrow.", "an e-mail address"),
        ("Her number is +31 6 1234 5678.", "a phone number"),
        ("He called from 020-555 1234 twice.", "a phone number"),
        ("BSN 123.45.678 on the form.", "an ID number"),
    ],
)
def test_identifier_warnings_find_addresses_and_numbers(text, found):
    assert found in identifier_warnings(text)


@pytest.mark.parametrize(
    "text",
    [
        "We met at 10:30 and talked for 45 minutes.",
        "She paid 12 euros for the bus, @ the station.",
        "a" * 100_000,
        "a@" * 50_000,
    ],
)
def test_identifier_warnings_stay_quiet_on_ordinary_or_hostile_text(text):
    assert identifier_warnings(text) == []
