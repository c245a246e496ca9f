"""The inbox, badge, snooze/done/open, settings, calendar feed and the admins' failed list."""

import hashlib
import json
import uuid
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accounts.models import SupervisionLink
from reminders import services
from reminders.models import Delivery, Reminder, ReminderPreference
from reminders.registry import kind_codes
from reminders.selectors import kinds_offered_to, preference_of, unread_count_of
from tests.factories import MembershipFactory
from tests.reminders.conftest import make_reminder, refuse_email_to

pytestmark = pytest.mark.django_db


def delivered(recipient, **fields) -> Reminder:
    reminder = make_reminder(recipient, status=Reminder.Status.SENT, **fields)
    Delivery.objects.create(reminder=reminder, channel=Delivery.Channel.IN_APP)
    return reminder


@pytest.fixture
def signed_in(client, practitioner):
    client.force_login(practitioner)
    return client


def switch_feed_on(signed_in) -> str:
    """Make a new feed address as its owner would, and return the secret the settings page
    shows (once)."""
    page = signed_in.post(reverse("reminders:calendar_regenerate"), follow=True)
    return page.context["calendar_url"].rsplit("/", 1)[1].removesuffix(".ics")


def test_inbox_lists_delivered_reminders_newest_first(signed_in, practitioner):
    older = delivered(practitioner)
    Delivery.objects.filter(reminder=older).update(delivered_at=timezone.now() - timedelta(hours=1))
    newer = delivered(practitioner, data={"client": "C-99", "session": "2026-03-01"})
    make_reminder(practitioner)  # still waiting: not in the inbox
    response = signed_in.get(reverse("reminders:inbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(str(newer.uuid)) < body.index(str(older.uuid))
    assert "C-99" in body
    assert body.count('class="reminder-item unread"') == 2


def test_badge_counts_unread(signed_in, practitioner):
    delivered(practitioner)
    delivered(practitioner, read_at=timezone.now())
    response = signed_in.get(reverse("reminders:badge"))
    assert response.status_code == 200
    assert 'data-testid="reminders-unread">1<' in response.content.decode()
    assert unread_count_of(practitioner) == 1


def test_badge_for_someone_signed_out_swaps_nothing(client):
    assert client.get(reverse("reminders:badge")).status_code == 204


def test_open_marks_read_and_follows_an_internal_link(signed_in, practitioner):
    reminder = delivered(practitioner, link="/journal/entries/abc/")
    response = signed_in.get(reverse("reminders:open", args=[reminder.uuid]))
    assert response.status_code == 302 and response["Location"] == "/journal/entries/abc/"
    reminder.refresh_from_db()
    assert reminder.read_at is not None


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_open_never_leaves_limen(signed_in, practitioner, link):
    reminder = delivered(practitioner, link=link)
    response = signed_in.get(reverse("reminders:open", args=[reminder.uuid]))
    assert response["Location"] == reverse("reminders:inbox")


def test_done_takes_it_out_of_the_inbox(signed_in, practitioner):
    reminder = delivered(practitioner)
    response = signed_in.post(reverse("reminders:done", args=[reminder.uuid]))
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert str(reminder.uuid) not in signed_in.get(reverse("reminders:inbox")).content.decode()


def test_snooze_until_tomorrow_redelivers_in_app_at_the_next_working_morning(
    signed_in, practitioner
):
    reminder = delivered(practitioner)
    Delivery.objects.create(reminder=reminder, channel=Delivery.Channel.EMAIL)
    response = signed_in.post(
        reverse("reminders:snooze", args=[reminder.uuid]), {"until": "tomorrow"}
    )
    assert response.status_code == 302
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.PENDING
    local = reminder.deliver_after.astimezone(practitioner.tzinfo)
    assert (local.hour, local.minute) == (9, 0) and local.weekday() < 5
    assert local.date() > timezone.localtime(timezone.now(), practitioner.tzinfo).date()
    assert not Delivery.objects.filter(reminder=reminder, channel="in_app").exists()
    assert Delivery.objects.filter(reminder=reminder, channel="email").exists()


def test_snooze_until_next_week_is_a_monday_morning(practitioner):
    from datetime import datetime

    wednesday = datetime(2026, 3, 4, 15, 0, tzinfo=practitioner.tzinfo)
    until = services.snooze_until(user=practitioner, choice="next_week", now=wednesday)
    assert until == datetime(2026, 3, 9, 9, 0, tzinfo=practitioner.tzinfo)
    friday = datetime(2026, 3, 6, 15, 0, tzinfo=practitioner.tzinfo)
    until = services.snooze_until(user=practitioner, choice="tomorrow", now=friday)
    assert until == datetime(2026, 3, 9, 9, 0, tzinfo=practitioner.tzinfo)


def test_snooze_across_the_spring_clock_change_keeps_nine_local(practitioner):
    from datetime import UTC, datetime

    saturday = datetime(2026, 3, 28, 22, 0, tzinfo=practitioner.tzinfo)  # Amsterdam, CET
    until = services.snooze_until(user=practitioner, choice="tomorrow", now=saturday)
    # Sunday is no working day; Monday 09:00 is CEST by then, so 07:00 UTC (not 08:00).
    assert until == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_snooze_with_htmx_answers_with_the_list(signed_in, practitioner):
    reminder = delivered(practitioner)
    response = signed_in.post(
        reverse("reminders:snooze", args=[reminder.uuid]),
        {"until": "next_week"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    # django-htmx writes the event as JSON: {"reminders-changed": {}}
    assert list(json.loads(response["HX-Trigger"])) == ["reminders-changed"]
    assert str(reminder.uuid) not in response.content.decode()


@pytest.mark.parametrize("name", ["open", "done", "snooze"])
def test_another_persons_reminder_is_404(client, org, practitioner, name):
    reminder = delivered(practitioner)
    client.force_login(MembershipFactory(organisation=org).user)
    url = reverse(f"reminders:{name}", args=[reminder.uuid])
    response = client.get(url) if name == "open" else client.post(url, {"until": "tomorrow"})
    assert response.status_code == 404
    assert client.post(reverse("reminders:done", args=[uuid.uuid4()])).status_code == 404


def test_pages_need_sign_in(client):
    for name in ("inbox", "settings"):
        assert client.get(reverse(f"reminders:{name}")).status_code == 302


def test_failed_page_is_for_admins_of_the_organisation(client, alice, bob, charlie):
    failed = make_reminder(bob, status=Reminder.Status.FAILED, attempts=6, last_error="451 no")
    client.force_login(bob)
    assert client.get(reverse("reminders:failed")).status_code == 403
    client.force_login(charlie)
    response = client.get(reverse("reminders:failed"))
    assert response.status_code == 200 and str(failed.uuid) not in response.content.decode()
    assert client.post(reverse("reminders:retry", args=[failed.uuid])).status_code == 404
    client.force_login(alice)
    response = client.get(reverse("reminders:failed"))
    assert bob.email in response.content.decode() and "451 no" in response.content.decode()
    assert client.post(reverse("reminders:retry", args=[failed.uuid])).status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Reminder.Status.PENDING, 0)
    from accounts.models import AuditEvent

    assert AuditEvent.objects.filter(action="reminders.reminder.retried").count() == 1


def test_admins_inbox_points_at_reminders_that_could_not_be_delivered(client, alice, bob, charlie):
    make_reminder(bob, status=Reminder.Status.FAILED, attempts=6)
    client.force_login(alice)
    body = client.get(reverse("reminders:inbox")).content.decode()
    assert reverse("reminders:failed") in body
    client.force_login(charlie)  # an admin elsewhere
    assert (
        reverse("reminders:failed") not in client.get(reverse("reminders:inbox")).content.decode()
    )
    client.force_login(bob)
    assert (
        reverse("reminders:failed") not in client.get(reverse("reminders:inbox")).content.decode()
    )


def test_settings_page_saves_channels_and_window(signed_in, practitioner):
    assert signed_in.get(reverse("reminders:settings")).status_code == 200
    kinds = [kind.code for kind in kinds_offered_to(practitioner)]
    response = signed_in.post(
        reverse("reminders:settings"),
        {
            "email_kinds": [k for k in kinds if k != "referral_followup"],
            "in_app_kinds": kinds,
            "window": "daily",
        },
    )
    assert response.status_code == 302
    preference = preference_of(practitioner)
    assert preference.email_off == ["referral_followup"] and preference.in_app_off == []
    assert preference.window == "daily"


@pytest.mark.parametrize(
    ("persona", "listed", "not_listed"),
    [
        (
            "ana",
            ["Follow up on a referral", "Your supervisor reviewed a crossing"],
            ["Flag waiting for review", "Directory entries to re-verify"],
        ),
        (
            "supervisor",
            ["Flag waiting for review", "Supervision meeting due"],
            ["Follow up on a referral", "Directory entries to re-verify"],
        ),
        (
            "admin",
            ["Directory entries to re-verify"],
            ["Follow up on a referral", "Flag waiting for review", "Supervision meeting due"],
        ),
    ],
)
def test_settings_list_only_the_kinds_the_persons_roles_receive(
    client, demo, persona, listed, not_listed
):
    client.force_login(getattr(demo, persona))
    page = client.get(reverse("reminders:settings")).content.decode()
    for label in listed:
        assert f'<th scope="row">{label}</th>' in page
    for label in not_listed:
        assert f'<th scope="row">{label}</th>' not in page


def test_a_kind_not_offered_cannot_be_posted(signed_in, practitioner):
    response = signed_in.post(
        reverse("reminders:settings"),
        {"email_kinds": ["directory_stale"], "in_app_kinds": [], "window": "window"},
    )
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()


def test_saving_keeps_the_choice_for_kinds_not_offered(signed_in, practitioner):
    preference = preference_of(practitioner)
    preference.email_off = ["directory_stale"]
    preference.save()
    kinds = [kind.code for kind in kinds_offered_to(practitioner)]
    signed_in.post(
        reverse("reminders:settings"),
        {"email_kinds": kinds, "in_app_kinds": kinds, "window": "window"},
    )
    # Were she made an admin later, directory upkeep would still not e-mail her.
    assert preference_of(practitioner).email_off == ["directory_stale"]


def test_defaults_are_everything_by_both_channels(practitioner):
    preference = preference_of(practitioner)
    assert all(preference.wants(k, "email") for k in kind_codes())
    assert all(preference.wants(k, "in_app") for k in kind_codes())
    assert preference.window == "window"


def test_calendar_feed_lists_open_followups_and_meetings(client, signed_in, practitioner, org):
    followup = make_reminder(practitioner, due_at=timezone.now() + timedelta(days=2))
    make_reminder(practitioner, status=Reminder.Status.CANCELLED)
    make_reminder(practitioner, status=Reminder.Status.SENT, done_at=timezone.now())
    # A meeting with someone who is not her supervisor: no pair, so no meeting falls due.
    SupervisionLink.objects.filter(supervisee=practitioner).delete()
    supervisor = MembershipFactory(organisation=org, is_supervisor=True).user
    meeting = apps.get_model("journal", "SupervisionMeeting").objects.create(
        organisation=org,
        supervisor=supervisor,
        supervisee=practitioner,
        held_on=date.today(),
        notes="Very private notes",
    )
    token = switch_feed_on(signed_in)
    response = client.get(reverse("reminders:calendar", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    todos = list(calendar.walk("VTODO"))
    events = list(calendar.walk("VEVENT"))
    assert [str(t["uid"]).split("@")[0] for t in todos] == [f"reminder-{followup.uuid}"]
    assert str(todos[0]["summary"]) == "Follow up after a boundary crossing: C-17"
    assert [str(e["uid"]).split("@")[0] for e in events] == [f"meeting-{meeting.uuid}"]
    assert b"Very private" not in response.content


def test_calendar_feed_shows_the_next_supervision_meeting_of_each_pair(
    client, signed_in, practitioner, org
):
    link = SupervisionLink.objects.get(supervisee=practitioner)
    assert link.cadence_weeks == 4
    supervisor = link.supervisor
    apps.get_model("journal", "SupervisionMeeting").objects.create(
        organisation=org, supervisor=supervisor, supervisee=practitioner, held_on=date(2026, 3, 2)
    )
    token = switch_feed_on(signed_in)
    calendar = Calendar.from_ical(client.get(reverse("reminders:calendar", args=[token])).content)
    upcoming = [e for e in calendar.walk("VEVENT") if str(e["uid"]).startswith("supervision-")]
    assert [str(e["uid"]).split("@")[0] for e in upcoming] == [f"supervision-{link.uuid}-20260330"]
    assert upcoming[0].decoded("dtstart") == date(2026, 3, 30)
    assert str(upcoming[0]["summary"]) == "Supervision meeting due"
    assert (
        supervisor.get_full_name()
        not in client.get(reverse("reminders:calendar", args=[token])).content.decode()
    )


def test_calendar_token_can_be_regenerated_and_revoked(client, signed_in, practitioner):
    first = switch_feed_on(signed_in)
    second = switch_feed_on(signed_in)
    assert first != second
    assert client.get(reverse("reminders:calendar", args=[first])).status_code == 404
    assert client.get(reverse("reminders:calendar", args=[second])).status_code == 200
    signed_in.post(reverse("reminders:calendar_revoke"))
    assert client.get(reverse("reminders:calendar", args=[second])).status_code == 404
    assert client.get(reverse("reminders:calendar", args=["x" * 43])).status_code == 404


def test_calendar_token_is_stored_only_as_its_hash(client, signed_in, practitioner):
    token = switch_feed_on(signed_in)
    stored = preference_of(practitioner).calendar_token_hash
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    fields = {f.name for f in ReminderPreference._meta.get_fields()}
    assert "calendar_token" not in fields
    # The hash itself is not a key to the feed.
    assert client.get(reverse("reminders:calendar", args=[stored])).status_code == 404
    assert client.get(reverse("reminders:calendar", args=[token])).status_code == 200


def test_new_calendar_address_is_shown_once(signed_in, practitioner):
    token = switch_feed_on(signed_in)
    assert len(token) >= 40
    again = signed_in.get(reverse("reminders:settings"))
    assert again.context["calendar_on"]
    assert again.context["calendar_url"] == ""
    assert token not in again.content.decode()
    assert "shown once" in again.content.decode()


def test_a_revoked_feed_does_not_show_an_address_made_before(signed_in, practitioner):
    signed_in.post(reverse("reminders:calendar_regenerate"))
    services.calendar_token_revoke(user=practitioner)
    page = signed_in.get(reverse("reminders:settings"))
    assert not page.context["calendar_on"]
    assert page.context["calendar_url"] == ""


def test_failed_page_shows_reminders_being_retried_with_their_error(client, alice, bob, charlie):
    retrying = refuse_email_to(bob)
    assert (retrying.status, retrying.attempts) == (Reminder.Status.PENDING, 1)
    client.force_login(alice)
    body = client.get(reverse("reminders:failed")).content.decode()
    assert "Every reminder was delivered" not in body
    assert "Being tried again" in body
    assert bob.email in body and "mailbox busy" in body
    assert f"<td>{retrying.attempts}</td>" in body
    # The inbox points the admin at them too.
    assert reverse("reminders:failed") in client.get(reverse("reminders:inbox")).content.decode()
    client.force_login(charlie)  # an admin elsewhere
    body = client.get(reverse("reminders:failed")).content.decode()
    assert bob.email not in body and "Every reminder was delivered" in body


def test_switching_the_feed_on_the_first_time_says_so_not_that_an_address_stopped(signed_in):
    first = signed_in.post(reverse("reminders:calendar_regenerate"), follow=True)
    said = [str(m) for m in first.context["messages"]]
    assert said == ["The calendar feed is on. Copy its address below into your calendar app."]
    again = signed_in.post(reverse("reminders:calendar_regenerate"), follow=True)
    assert "The previous address no longer works." in str(list(again.context["messages"])[0])


def test_the_feed_address_has_a_copy_button(signed_in, practitioner):
    page = signed_in.post(reverse("reminders:calendar_regenerate"), follow=True)
    body = page.content.decode()
    assert page.context["calendar_url"] and page.context["calendar_url"] in body
    assert 'data-copy="calendar-url"' in body and 'id="calendar-url"' in body
