"""Journal forms: identifier warnings, and the ranges every date and number must fall in."""

import pytest

from journal.forms import code_looks_like_a_name, identifier_warnings


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


# --- Dates and numbers --------------------------------------------------------------------------


def _form_classes():
    """Every form class Limen defines, in any module of any app: a new form is checked too."""
    import importlib
    import inspect
    from pathlib import Path

    from django import forms
    from django.apps import apps

    root = Path(__file__).resolve().parents[2]
    local = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.parent != root:
            continue  # Django's and third-party apps (the virtualenv may sit inside the root)
        for file in sorted(path.rglob("*.py")):
            parts = file.relative_to(root).with_suffix("").parts
            if "migrations" in parts or "management" in parts:
                continue
            local.append(importlib.import_module(".".join(parts)))
    seen = set()
    for module in local:
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
                and value not in seen
            ):
                seen.add(value)
                yield value


def test_every_date_and_number_field_of_every_form_has_a_range():
    from django import forms

    from config import bounds

    checked = 0
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            where = f"{form_class.__module__}.{form_class.__name__}.{name}"
            if isinstance(field, forms.DateField | forms.DateTimeField):
                assert isinstance(field, bounds.DateField | bounds.DateTimeField), where
                checked += 1
            elif isinstance(field, forms.IntegerField | forms.FloatField | forms.DecimalField):
                assert field.min_value is not None and field.max_value is not None, where
                assert field.min_value >= bounds.INTEGER_MIN, where
                assert field.max_value <= bounds.INTEGER_MAX, where
                checked += 1
            elif isinstance(field, forms.ModelMultipleChoiceField):
                assert isinstance(field, bounds.ModelMultipleChoiceField), where
                checked += 1
    assert checked >= 10  # the sweep found the fields it is about


YEAR_9999 = "9999-12-31T23:59"


@pytest.fixture
def kiritimati(demo):
    """Ana's supervisor, who works fourteen hours ahead of UTC."""
    demo.supervisor.time_zone = "Pacific/Kiritimati"
    demo.supervisor.save()
    return demo.supervisor


def _entry_post(entry, **changes):
    data = {
        "occurred_at": "2026-03-02T10:00",
        "duration_minutes": 60,
        "setting": "office",
        "notes": entry.notes,
        "version": entry.version,
    }
    return {**data, **changes}


def _refused_everywhere(client, entry, occurred_at: str, message: str, **changes) -> str:
    """The date is refused with ``message`` by the editor, by autosave and by "Start writing";
    returns the editor's page."""
    from django.urls import reverse

    edit = client.post(
        reverse("journal:entry_edit", args=[entry.uuid]),
        _entry_post(entry, occurred_at=occurred_at, **changes),
    )
    assert edit.status_code == 422
    assert message in edit.content.decode()
    autosave = client.post(
        reverse("journal:entry_autosave", args=[entry.uuid]),
        _entry_post(entry, occurred_at=occurred_at),
        headers={"HX-Request": "true"},
    )
    assert autosave.status_code == 422
    new = client.post(
        reverse("journal:entry_new"), {"client": entry.client.pk, "occurred_at": occurred_at}
    )
    assert new.status_code == 200 and message in new.content.decode()
    return edit.content.decode()


@pytest.mark.django_db
def test_a_year_9999_entry_is_refused_and_nobodys_pages_break(
    client, demo, confirmed_flag, kiritimati
):
    from django.urls import reverse

    from accounts.models import User
    from journal.models import SessionEntry

    entry = confirmed_flag.entry
    client.force_login(demo.ana)
    _refused_everywhere(client, entry, YEAR_9999, "Give a date between 1900 and 2100.")
    assert SessionEntry.objects.get(pk=entry.pk).occurred_at.year < 2100
    assert not SessionEntry.objects.filter(occurred_at__year=9999).exists()

    client.force_login(kiritimati)
    for url in [
        reverse("journal:review"),
        reverse("journal:entry", args=[entry.uuid]),
        reverse("journal:team"),
    ]:
        assert client.get(url).status_code == 200, url
    operator = User.objects.create_superuser(email="operator@example.org", password="x" * 16)
    operator.time_zone = "Pacific/Kiritimati"
    operator.save()
    client.force_login(operator)
    assert client.get(reverse("admin:journal_sessionentry_changelist")).status_code == 200


FUTURE = "An entry is about a session that took place: choose today or an earlier day."


@pytest.mark.django_db
def test_a_session_after_today_is_refused_and_what_was_typed_is_kept(client, demo, confirmed_flag):
    """Today, late in the evening where the practitioner is, is fine; tomorrow is a slip."""
    from datetime import timedelta

    from django.urls import reverse
    from django.utils import timezone

    from journal.models import SessionEntry

    entry = confirmed_flag.entry
    demo.ana.time_zone = "Pacific/Kiritimati"  # fourteen hours ahead of UTC
    demo.ana.save()
    client.force_login(demo.ana)
    with timezone.override("Pacific/Kiritimati"):
        today = timezone.localdate()
    tomorrow = f"{today + timedelta(days=1):%Y-%m-%d}T09:00"
    page = _refused_everywhere(client, entry, tomorrow, FUTURE, notes="Kept as typed.")
    assert "Kept as typed." in page
    assert f'max="{today:%Y-%m-%d}T23:59"' in page  # the picker offers nothing later
    assert SessionEntry.objects.get(pk=entry.pk).occurred_at.date() <= today

    tonight = f"{today:%Y-%m-%d}T23:30"
    saved = client.post(
        reverse("journal:entry_edit", args=[entry.uuid]), _entry_post(entry, occurred_at=tonight)
    )
    assert saved.status_code == 302
    with timezone.override("Pacific/Kiritimati"):
        assert timezone.localtime(SessionEntry.objects.get(pk=entry.pk).occurred_at).date() == today


@pytest.mark.django_db
def test_filters_and_versions_out_of_range_are_form_errors(client, demo, confirmed_flag):
    from django.urls import reverse

    entry = confirmed_flag.entry
    client.force_login(demo.ana)
    response = client.get(reverse("journal:entries"), {"date_from": "9999-12-31", "q": "x"})
    assert response.status_code == 200
    assert "Give a date between 1900 and 2100." in response.content.decode()
    response = client.post(
        reverse("journal:entry_autosave", args=[entry.uuid]),
        _entry_post(entry, version=str(2**70)),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422


@pytest.mark.django_db
def test_the_meeting_form_refuses_impossible_dates_and_ids(client, demo, confirmed_flag):
    from django.urls import reverse

    from journal.models import SupervisionMeeting

    client.force_login(demo.supervisor)
    url = reverse("journal:meeting_new") + f"?supervisee={demo.ana.pk}"
    for data in [
        {"held_on": "9999-12-31", "flags": [confirmed_flag.pk]},
        {"held_on": "2026-11-20", "flags": ["99999999999999999999999"]},
        {"held_on": "2026-11-20", "flags": [str(-(2**70))]},
    ]:
        response = client.post(url, {"supervisee": demo.ana.pk, "notes": "n", **data})
        assert response.status_code == 200, data
        assert not SupervisionMeeting.objects.exists()
    response = client.post(
        url, {"supervisee": demo.ana.pk, "held_on": "2026-11-20", "flags": [confirmed_flag.pk]}
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_sharing_refuses_ids_beyond_the_database(client, demo):
    from django.urls import reverse

    client.force_login(demo.ana)
    response = client.post(
        reverse("boundaries:sharing"),
        {"take": "1", "topics": ["99999999999999999999999"], "supervisors": [demo.supervisor.pk]},
    )
    assert response.status_code in (200, 422)


@pytest.mark.parametrize(
    "code", ["Maria", "Jan de Vries", "Mr Smith", "Ahmed B.", "Zoë", "Jean-Luc", "Ömer Yılmaz"]
)
def test_a_code_that_looks_like_a_name_is_noticed(code):
    assert code_looks_like_a_name(code)


@pytest.mark.parametrize(
    "code", ["K-17", "AB", "KJ-2026", "debt 3", "Client A", "Klient X", "x", "", "Monday", "  "]
)
def test_a_pseudonymous_code_is_not_taken_for_a_name(code):
    assert not code_looks_like_a_name(code)


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", ["-5", "0", "601", "99999999999"])
def test_a_duration_out_of_range_gets_limens_message_not_djangos(minutes):
    from journal.forms import EntryForm

    form = EntryForm(
        data={
            "occurred_at": "2026-03-02T10:00",
            "duration_minutes": minutes,
            "setting": "office",
            "notes": "Talked about the rent.",
            "version": 1,
        }
    )
    assert not form.is_valid()
    assert form.errors["duration_minutes"] == ["Give a duration between 1 and 600 minutes."]


@pytest.mark.django_db
def test_null_characters_pasted_into_a_note_are_dropped_not_refused():
    from journal.forms import EntryForm

    form = EntryForm(
        data={
            "occurred_at": "2026-03-02T10:00",
            "duration_minutes": "50",
            "setting": "office",
            "notes": "Talked\x00 about the rent.\x00",
            "felt": "\x00",
            "version": 1,
        },
        require_text=True,
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["notes"] == "Talked about the rent."
    assert form.cleaned_data["felt"] == ""
