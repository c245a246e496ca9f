"""Referring a client: from a journal entry or client page, warnings first, consent, a follow-up
reminder in working hours that the outcome cancels; referrals as private as journal entries."""

import uuid
from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from directory import categories
from directory.models import Service, TaxonomyTerm
from journal import services as journal_services
from referrals.models import Referral
from referrals.services import REPEAT_WINDOW, referral_create
from reminders.models import Reminder
from reminders.texts import reminder_text
from tests.directory.conftest import SVC, SVC2
from tests.factories import MembershipFactory, SupervisionLinkFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("referrals:referral_create")


@pytest.fixture
def entry(imported, bob):
    client = journal_services.client_create(owner=bob, code="K-17")
    return journal_services.entry_create(owner=bob, client=client)


@pytest.fixture
def shelter(imported):
    return Service.objects.get(owner=imported, hsds_id=SVC)


@pytest.fixture
def debt(imported):
    return Service.objects.get(owner=imported, hsds_id=SVC2)


def next_weekday(weekday: int) -> date:
    """The next date (after today) falling on ``weekday`` (0 = Monday)."""
    day = timezone.localdate() + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def refer(client, service, entry, **data):
    form = {
        "reason": "Needs a safe place to stay.",
        "client_consented": "on",
        "follow_up_on": next_weekday(2).isoformat(),
        **data,
    }
    return client.post(f"{CREATE}?service={service.uuid}&entry={entry.uuid}", form)


def test_entry_and_client_pages_link_to_referring(client, bob, entry):
    client.force_login(bob)
    page = client.get(reverse("journal:entry", args=[entry.uuid])).content.decode()
    assert f'href="{CREATE}?entry={entry.uuid}"' in page
    page = client.get(reverse("journal:client", args=[entry.client.uuid])).content.decode()
    assert f'href="{CREATE}?client={entry.client.uuid}"' in page


def test_practitioner_searches_from_an_entry_and_the_pick_keeps_client_and_entry(
    client, bob, entry, shelter
):
    client.force_login(bob)
    term = TaxonomyTerm.objects.get(hsds_id=categories.category_id("domestic_violence"))
    response = client.get(
        CREATE, {"entry": entry.uuid, "q": "opvang", "language": "nl", "category": term.pk}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "K-17" in body and "Blijfhuis Voorbeeld" in body
    assert "Schuldhulp Domstad" not in body
    assert f"?service={shelter.uuid}&amp;client={entry.client.uuid}&amp;entry={entry.uuid}" in body
    # Live search keeps the client and entry as hidden fields of the search form.
    assert f'name="entry" value="{entry.uuid}"' in body


def test_referral_is_recorded_with_client_entry_reason_and_consent(client, bob, entry, shelter):
    client.force_login(bob)
    page = client.get(f"{CREATE}?service={shelter.uuid}&entry={entry.uuid}").content.decode()
    assert "Before you refer" not in page  # verified 10 days ago, active: nothing to warn about
    response = refer(client, shelter, entry)
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral_detail", args=[referral.uuid])
    assert (referral.owner, referral.client, referral.entry) == (bob, entry.client, entry)
    assert referral.service == shelter and referral.service_name == "Blijfhuis Voorbeeld"
    assert referral.client_consented and referral.reason == "Needs a safe place to stay."
    page = client.get(reverse("journal:client", args=[entry.client.uuid])).content.decode()
    assert reverse("referrals:referral_detail", args=[referral.uuid]) in page


# Person with membership (the session is read from its cache), the entry with its client (or,
# without an entry, the clients to choose from), the service with its provider, its phone numbers.
QUERIES_FORM = 4


def test_the_form_reads_only_what_it_shows_beside_the_service(
    client, bob, entry, shelter, django_assert_num_queries
):
    client.force_login(bob)
    with django_assert_num_queries(QUERIES_FORM):
        page = client.get(f"{CREATE}?service={shelter.uuid}&entry={entry.uuid}").content.decode()
    assert "Blijfhuis Voorbeeld" in page and "K-17" in page
    assert shelter.organization.name in page
    numbers = [phone.number for phone in shelter.phones.all()]
    assert numbers and all(number in page for number in numbers)
    with django_assert_num_queries(QUERIES_FORM):
        page = client.get(f"{CREATE}?service={shelter.uuid}").content.decode()
    assert "K-17" in page


def test_follow_up_reminder_arrives_in_working_hours(client, bob, entry, shelter):
    bob.time_zone = "Europe/Amsterdam"
    bob.save()
    saturday = next_weekday(5)
    client.force_login(bob)
    refer(client, shelter, entry, follow_up_on=saturday.isoformat())
    referral = Referral.objects.get()
    reminder = Reminder.objects.get(kind="referral_followup", recipient=bob)
    assert reminder.about == referral.about
    assert reminder.link == reverse("referrals:referral_detail", args=[referral.uuid])
    assert reminder.due_on == saturday  # a day: his working hours decide the time
    # Default working hours are Monday to Friday from 9:00: the reminder waits for Monday.
    delivered = reminder.deliver_after.astimezone(bob.tzinfo)
    assert (delivered.date(), delivered.time()) == (saturday + timedelta(days=2), time(9))
    assert reminder_text(reminder) == (
        "Ask client K-17 how the referral to Blijfhuis Voorbeeld went"
    )
    assert "safe place" not in str(reminder.data)  # the reason never leaves the referral


def test_recording_the_outcome_cancels_the_follow_up(client, bob, entry, shelter):
    client.force_login(bob)
    refer(client, shelter, entry)
    referral = Referral.objects.get()
    response = client.post(
        reverse("referrals:referral_detail", args=[referral.uuid]),
        {"outcome": "accepted", "note": "Intake on Monday."},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.outcome == "accepted" and referral.outcome_note == "Intake on Monday."
    assert referral.outcome_at is not None
    assert Reminder.objects.get(about=referral.about).status == Reminder.Status.CANCELLED


@pytest.mark.parametrize("outcome", [o for o, _label in Referral.Outcome.choices])
def test_every_outcome_can_be_recorded(client, bob, entry, shelter, outcome):
    client.force_login(bob)
    refer(client, shelter, entry)
    referral = Referral.objects.get()
    client.post(reverse("referrals:referral_detail", args=[referral.uuid]), {"outcome": outcome})
    referral.refresh_from_db()
    assert referral.outcome == outcome


def test_no_referral_without_the_clients_consent(client, bob, entry, shelter):
    client.force_login(bob)
    response = refer(client, shelter, entry, client_consented="")
    assert response.status_code == 200
    assert "Refer only with the client" in response.content.decode()
    assert not Referral.objects.exists() and not Reminder.objects.exists()


def test_follow_up_date_must_not_be_in_the_past(client, bob, entry, shelter):
    client.force_login(bob)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = refer(client, shelter, entry, follow_up_on=yesterday.isoformat())
    assert "Choose a date from today on." in response.content.decode()
    assert not Referral.objects.exists()


@pytest.mark.parametrize("day", ["9999-12-31", "2101-01-01"])
def test_follow_up_date_beyond_2100_is_refused(client, bob, entry, shelter, day):
    client.force_login(bob)
    response = refer(client, shelter, entry, follow_up_on=day)
    assert response.status_code == 200
    assert "Give a date between 1900 and 2100." in response.content.decode()
    assert not Referral.objects.exists() and not Reminder.objects.exists()


def test_input_is_kept_when_the_form_is_refused(client, bob, entry, shelter):
    client.force_login(bob)
    response = refer(client, shelter, entry, client_consented="", reason="Wants help with debts")
    assert "Wants help with debts" in response.content.decode()


def test_do_not_refer_warning_comes_first_and_must_be_acknowledged(client, bob, entry, shelter):
    Service.objects.filter(pk=shelter.pk).update(
        do_not_refer=True, do_not_refer_reason="Intake closed until March."
    )
    client.force_login(bob)
    page = client.get(f"{CREATE}?service={shelter.uuid}&entry={entry.uuid}").content.decode()
    warning = page.index("Your agency asks not to refer here for now.")
    assert "Intake closed until March." in page
    assert warning < page.index('name="reason"')
    response = refer(client, shelter, entry)
    assert "Confirm that you have read the warning." in response.content.decode()
    assert not Referral.objects.exists()
    refer(client, shelter, entry, acknowledge="on")
    assert Referral.objects.filter(service=shelter).exists()


def test_stale_service_warns_before_referring(client, bob, entry, debt):
    client.force_login(bob)
    page = client.get(f"{CREATE}?service={debt.uuid}&entry={entry.uuid}").content.decode()
    assert "Nobody has verified this entry for more than 180 days" in page
    assert page.index("Before you refer") < page.index('name="reason"')
    refer(client, debt, entry)
    assert not Referral.objects.exists()
    refer(client, debt, entry, acknowledge="on")
    assert Referral.objects.filter(service=debt).exists()


def test_without_a_client_the_practitioner_chooses_among_their_own(client, bob, imported, shelter):
    mine = journal_services.client_create(owner=bob, code="M-01")
    dora = MembershipFactory(organisation=imported).user
    theirs = journal_services.client_create(owner=dora, code="T-99")
    client.force_login(bob)
    page = client.get(f"{CREATE}?service={shelter.uuid}").content.decode()
    assert "M-01" in page and "T-99" not in page
    form = {
        "reason": "Safety",
        "client_consented": "on",
        "follow_up_on": next_weekday(1).isoformat(),
    }
    client.post(f"{CREATE}?service={shelter.uuid}", {**form, "client": theirs.uuid})
    assert not Referral.objects.exists()
    client.post(f"{CREATE}?service={shelter.uuid}", {**form, "client": mine.uuid})
    assert Referral.objects.get().client == mine


# --- As private as journal entries ------------------------------------------------------------


@pytest.fixture
def referral(client, bob, entry, shelter):
    client.force_login(bob)
    refer(client, shelter, entry)
    client.logout()
    return Referral.objects.get()


def _others(org, bob):
    colleague = MembershipFactory(organisation=org).user
    supervisor = SupervisionLinkFactory(
        organisation=org,
        supervisee=bob,
        supervisor=MembershipFactory(organisation=org, is_supervisor=True).user,
    ).supervisor
    outsider = MembershipFactory().user
    return {"colleague": colleague, "supervisor": supervisor, "outsider": outsider}


@pytest.mark.parametrize("who", ["colleague", "supervisor", "outsider"])
def test_other_practitioners_get_404_for_a_referral(client, imported, bob, referral, who):
    other = _others(imported, bob)[who]
    client.force_login(other)
    url = reverse("referrals:referral_detail", args=[referral.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"outcome": "declined"}).status_code == 404
    referral.refresh_from_db()
    assert referral.outcome == ""
    assert "K-17" not in client.get(reverse("referrals:referral_list")).content.decode()


def test_admin_who_is_not_a_practitioner_cannot_read_referrals(client, alice, referral):
    client.force_login(alice)
    url = reverse("referrals:referral_detail", args=[referral.uuid])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("param", ["client", "entry"])
def test_nobody_refers_someone_elses_client(client, imported, bob, entry, shelter, param):
    colleague = MembershipFactory(organisation=imported).user
    client.force_login(colleague)
    target = entry.client.uuid if param == "client" else entry.uuid
    assert client.get(CREATE, {param: target}).status_code == 404
    response = client.post(
        f"{CREATE}?service={shelter.uuid}&{param}={target}",
        {"reason": "x", "client_consented": "on", "follow_up_on": next_weekday(1).isoformat()},
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_another_agencys_service_cannot_be_picked(client, imported, entry):
    from directory.services.imports import import_package
    from tests.directory.conftest import package_zip
    from tests.factories import OrganisationFactory

    other = OrganisationFactory()
    assert import_package(organisation=other, data=package_zip(), filename="p.zip").ok
    theirs = Service.objects.get(owner=other, hsds_id=SVC)
    client.force_login(entry.owner)
    assert client.get(CREATE, {"service": theirs.uuid, "entry": entry.uuid}).status_code == 404


def test_my_referrals_lists_mine_with_due_follow_ups(client, bob, referral):
    Referral.objects.filter(pk=referral.pk).update(follow_up_on=timezone.localdate())
    client.force_login(bob)
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert "K-17" in page and "Blijfhuis Voorbeeld" in page and "due" in page


def test_erasing_a_client_cancels_the_follow_ups_of_their_referrals(bob, entry, debt):
    referral = referral_create(
        by=bob,
        client=entry.client,
        service=debt,
        reason="Debt letters piling up.",
        client_consented=True,
        follow_up_on=timezone.localdate() + timedelta(days=7),
        entry=entry,
    )
    follow_up = Reminder.objects.get(about=referral.about)
    assert follow_up.status == Reminder.Status.PENDING
    journal_services.client_delete(client=entry.client, by=bob)
    assert not Referral.objects.filter(pk=referral.pk).exists()
    follow_up.refresh_from_db()
    assert follow_up.status == Reminder.Status.CANCELLED


def test_the_journal_export_carries_the_referrals_of_each_client(client, bob, referral):
    client.force_login(bob)
    data = client.get(reverse("journal:export")).json()
    (exported,) = data["clients"]
    assert exported["code"] == "K-17"
    assert exported["referrals"] == [
        {"id": str(referral.uuid), "summary": "K-17 → Blijfhuis Voorbeeld"}
    ]


def test_the_delete_page_counts_the_referrals_the_client_takes_with_them(client, bob, referral):
    client.force_login(bob)
    page = client.get(reverse("journal:client_delete", args=[referral.client.uuid]))
    assert "1 referral<" in page.content.decode()


def test_back_and_resubmit_does_not_make_a_second_referral(client, bob, entry, shelter):
    client.force_login(bob)
    page = client.get(f"{CREATE}?service={shelter.uuid}&entry={entry.uuid}")
    token = str(page.context["form"]["form_token"].value())
    assert f'name="form_token" value="{token}"' in page.content.decode()
    first = refer(client, shelter, entry, form_token=token)
    again = refer(client, shelter, entry, form_token=token)  # a double click
    referral = Referral.objects.get()
    assert (
        first["Location"]
        == again["Location"]
        == reverse("referrals:referral_detail", args=[referral.uuid])
    )
    # A form opened anew is a deliberate second referral, when it says something else.
    fresh = client.get(f"{CREATE}?service={shelter.uuid}&entry={entry.uuid}")
    assert str(fresh.context["form"]["form_token"].value()) != token
    refer(
        client,
        shelter,
        entry,
        reason="Also needs advice on debts.",
        form_token=str(fresh.context["form"]["form_token"].value()),
    )
    assert Referral.objects.count() == 2


def test_the_same_referral_sent_again_with_a_new_token_lands_on_the_first(
    client, bob, entry, shelter
):
    """Back reloads the no-store form with a new token while the browser keeps the text."""
    client.force_login(bob)
    first = refer(client, shelter, entry, form_token=str(uuid.uuid4()))
    made = Referral.objects.get()
    again = refer(
        client, shelter, entry, form_token=str(uuid.uuid4()), reason=" Needs a safe place to stay. "
    )
    assert Referral.objects.count() == 1
    assert again["Location"] == first["Location"]
    page = client.get(again["Location"])
    at = timezone.localtime(made.created_at, bob.tzinfo).strftime("%H:%M")
    assert (
        f"This referral was already recorded at {at}; nothing was recorded twice."
        in page.content.decode()
    )
    assert Reminder.objects.filter(kind="referral_followup").count() == 1


def test_the_same_referral_after_the_repeat_window_is_a_new_one(client, bob, entry, shelter):
    client.force_login(bob)
    refer(client, shelter, entry)
    Referral.objects.update(created_at=timezone.now() - REPEAT_WINDOW - timedelta(seconds=1))
    refer(client, shelter, entry)
    assert Referral.objects.count() == 2


def test_another_service_or_reason_is_another_referral(client, bob, entry, shelter, debt):
    client.force_login(bob)
    refer(client, shelter, entry)
    refer(client, debt, entry, acknowledge="on")  # its stale warning read
    refer(client, shelter, entry, reason="Needs advice on debts.")
    assert Referral.objects.count() == 3


def test_a_colleagues_identical_referral_does_not_stop_mine(
    client, imported, org, bob, entry, shelter
):
    other = MembershipFactory(organisation=org).user
    own = journal_services.client_create(owner=other, code="K-17")
    referral_create(
        by=other,
        client=own,
        service=shelter,
        reason="Needs a safe place to stay.",
        client_consented=True,
        follow_up_on=next_weekday(2),
    )
    client.force_login(bob)
    refer(client, shelter, entry)
    assert Referral.objects.filter(owner=bob).count() == 1


def test_a_form_token_already_used_by_someone_else_makes_nothing(
    client, imported, org, bob, entry, shelter, referral
):
    other = MembershipFactory(organisation=org).user
    own = journal_services.client_create(owner=other, code="O-1")
    other_entry = journal_services.entry_create(owner=other, client=own)
    client.force_login(other)
    response = refer(client, shelter, other_entry, form_token=str(referral.uuid))
    assert response.status_code == 200
    assert Referral.objects.count() == 1
