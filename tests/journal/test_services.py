from datetime import date

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from journal import services
from journal.models import Flag, FlagEvent, SessionEntry, SupervisionMeeting
from journal.reminders import ESCALATE_AFTER, FOLLOW_UP_AFTER
from reminders.models import Reminder

pytestmark = pytest.mark.django_db


def test_saving_turns_findings_into_suggested_flags(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    assert flag.category == "giving_money"
    assert flag.status == Flag.Status.SUGGESTED
    assert flag.field == "notes"
    assert entry.notes[flag.start : flag.end] == flag.quote
    assert list(flag.events.values_list("action", flat=True)) == ["suggested"]


def test_resaving_does_not_duplicate_suggestions(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    data = {"notes": entry.notes}
    services.entry_save(entry=entry, data=data, base_version=entry.version, by=demo.ana)
    assert entry.flags.count() == 1


def test_suggestion_disappears_when_its_evidence_is_edited_away(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    services.entry_save(
        entry=entry, data={"notes": "We made a budget."}, base_version=entry.version, by=demo.ana
    )
    assert entry.flags.count() == 0


def test_autosaving_a_saved_entry_keeps_its_suggestions_in_step_with_the_text(demo, make_entry):
    """Every page reads the stored text: an autosave of a saved entry (the practitioner edits
    and leaves without pressing Save) drops the suggestion whose words are gone and suggests the
    crossing typed in, as saving would."""
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    assert [f.category for f in entry.flags.all()] == ["giving_money"]
    entry = services.entry_autosave(
        entry=entry,
        data={"notes": "We made a budget. I gave him my private phone number."},
        base_version=entry.version,
    )
    assert entry.status == SessionEntry.Status.SAVED
    assert [(f.category, f.status) for f in entry.flags.all()] == [("out_of_hours", "suggested")]
    assert all(f.quote in entry.notes for f in entry.flags.all())


def test_autosaving_a_draft_suggests_nothing_until_it_is_saved(demo):
    client = services.client_create(owner=demo.ana, code="T-900")
    entry = services.entry_create(owner=demo.ana, client=client)
    entry = services.entry_autosave(
        entry=entry,
        data={"notes": "I lent him twenty euros from my own money for the rent."},
        base_version=entry.version,
    )
    assert entry.status == SessionEntry.Status.DRAFT
    assert not entry.flags.exists()


def test_decided_flags_stay_when_the_text_changes(confirmed_flag, demo):
    entry = confirmed_flag.entry
    services.entry_save(
        entry=entry, data={"notes": "Rewritten."}, base_version=entry.version, by=demo.ana
    )
    assert entry.flags.filter(pk=confirmed_flag.pk, status="confirmed").exists()


def test_dismissed_flag_keeps_reason(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    flag = entry.flags.get()
    services.flag_dismiss(flag=flag, by=demo.ana, reason="It was the programme's emergency fund.")
    flag.refresh_from_db()
    assert flag.status == "dismissed"
    assert flag.dismiss_reason == "It was the programme's emergency fund."
    event = flag.events.get(action=FlagEvent.Action.DISMISSED)
    assert event.actor == demo.ana and "emergency fund" in event.detail


def test_dismissal_needs_a_reason(demo, make_entry):
    entry = make_entry(demo.ana, "I lent him twenty euros from my own money for the rent.")
    with pytest.raises(ValueError):
        services.flag_dismiss(flag=entry.flags.get(), by=demo.ana, reason="   ")


def test_confirming_a_follow_up_category_schedules_a_follow_up(confirmed_flag, demo):
    followup = Reminder.objects.get(kind="flag_followup")
    assert followup.recipient == demo.ana
    assert followup.about == f"journal.flag:{confirmed_flag.uuid}"
    assert followup.status == "pending"
    assert followup.deliver_after >= followup.due_at


def test_confirming_schedules_the_seven_day_escalation_to_the_supervisor(confirmed_flag, demo):
    escalation = Reminder.objects.get(kind="flag_unreviewed")
    assert escalation.recipient == demo.supervisor
    assert (escalation.due_at - confirmed_flag.confirmed_at).days == 7


def test_rescuing_gets_no_follow_up_reminder(demo, make_entry):
    entry = make_entry(demo.ana, "I filled in all his benefit forms for him.")
    services.flag_confirm(flag=entry.flags.get(category="rescuing"), by=demo.ana)
    assert not Reminder.objects.filter(kind="flag_followup").exists()
    assert Reminder.objects.filter(kind="flag_unreviewed").exists()


def test_review_without_resolving_cancels_only_the_escalation(confirmed_flag, demo):
    services.flag_review(
        flag=confirmed_flag,
        by=demo.supervisor,
        outcome="watch",
        comment="Talk soon.",
        resolve=False,
    )
    assert Reminder.objects.get(kind="flag_unreviewed").status == "cancelled"
    assert Reminder.objects.get(kind="flag_followup").status == "pending"


def test_resolving_cancels_every_reminder_and_keeps_history(confirmed_flag, demo):
    services.flag_review(
        flag=confirmed_flag, by=demo.supervisor, outcome="watch", comment="Talk soon.", resolve=True
    )
    confirmed_flag.refresh_from_db()
    assert confirmed_flag.outcome == "watch" and confirmed_flag.resolved_at
    # What was waiting is moot; what is new is the review, for the practitioner to read.
    assert set(Reminder.objects.values_list("kind", "status")) == {
        ("flag_unreviewed", "cancelled"),
        ("flag_followup", "cancelled"),
        ("flag_reviewed", "pending"),
    }
    assert Reminder.objects.get(kind="flag_reviewed").recipient == demo.ana
    actions = list(confirmed_flag.events.values_list("action", flat=True))
    assert actions == ["suggested", "confirmed", "reviewed", "resolved"]


def test_the_same_review_sent_twice_is_recorded_once(confirmed_flag, demo):
    for _ in range(2):
        services.flag_review(
            flag=confirmed_flag, by=demo.supervisor, outcome="helpful", comment="Ok.", resolve=True
        )
    actions = list(confirmed_flag.events.values_list("action", flat=True))
    assert actions == ["suggested", "confirmed", "reviewed", "resolved"]
    services.flag_review(
        flag=confirmed_flag,
        by=demo.supervisor,
        outcome="watch",
        comment="On reflection.",
        resolve=True,
    )
    actions = list(confirmed_flag.events.values_list("action", flat=True))
    assert actions == ["suggested", "confirmed", "reviewed", "resolved", "reviewed"]


def test_reminders_go_through_reminders_schedule(confirmed_flag, demo, monkeypatch):
    """The journal asks the reminders app, by its one public function, and nothing else."""
    import reminders

    calls, real_schedule = [], reminders.schedule
    monkeypatch.setattr(
        reminders, "schedule", lambda **kwargs: calls.append(kwargs) or real_schedule(**kwargs)
    )
    entry = confirmed_flag.entry
    flag = services.flag_report(entry=entry, category="out_of_hours", note="", by=demo.ana)
    assert {c["kind"].code for c in calls} == {"flag_followup", "flag_unreviewed"}
    assert all(c["about"] == f"journal.flag:{flag.uuid}" for c in calls)
    followup = next(c for c in calls if c["kind"].code == "flag_followup")
    assert followup["recipient"] == demo.ana
    # A day in the practitioner's calendar; their working hours decide the time.
    assert followup["on"] == timezone.localdate(
        flag.confirmed_at + FOLLOW_UP_AFTER, demo.ana.tzinfo
    )
    assert "due_at" not in followup
    escalation = next(c for c in calls if c["kind"].code == "flag_unreviewed")
    assert escalation["recipient"] == demo.supervisor
    assert escalation["due_at"] == flag.confirmed_at + ESCALATE_AFTER
    assert Reminder.objects.filter(about=f"journal.flag:{flag.uuid}").count() == 2


def test_reminder_data_carries_no_note_text(confirmed_flag):
    for reminder in Reminder.objects.all():
        assert confirmed_flag.entry.notes not in str(reminder.data)
        assert confirmed_flag.quote not in str(reminder.data)


def test_self_reported_flag_goes_straight_to_supervision(demo, make_entry):
    entry = make_entry(demo.ana)
    flag = services.flag_report(
        entry=entry, category="dual_relationship", note="Met at a party.", by=demo.ana
    )
    assert flag.status == "confirmed" and flag.source == "self"
    assert Reminder.objects.filter(kind="flag_followup", recipient=demo.ana).exists()


def test_edit_based_on_an_old_version_is_refused(demo, make_entry):
    entry = make_entry(demo.ana, "First text.")
    stale_version = entry.version
    services.entry_autosave(entry=entry, data={"notes": "Tab one."}, base_version=stale_version)
    with pytest.raises(services.EditConflict):
        services.entry_autosave(entry=entry, data={"notes": "Tab two."}, base_version=stale_version)
    entry.refresh_from_db()
    assert entry.notes == "Tab one."


def test_deleting_a_client_erases_entries_flags_and_cancels_reminders(confirmed_flag, demo):
    client = confirmed_flag.entry.client
    services.client_delete(client=client, by=demo.ana)
    assert not SessionEntry.objects.filter(client_id=client.pk).exists()
    assert not Flag.objects.filter(pk=confirmed_flag.pk).exists()
    assert not Reminder.objects.filter(status="pending", about__startswith="journal.flag").exists()
    assert AuditEvent.objects.filter(action="journal.client.erased").exists()


def test_supervisor_reads_are_audit_logged(confirmed_flag, demo):
    services.entry_read_record(entry=confirmed_flag.entry, reader=demo.supervisor)
    services.entry_read_record(entry=confirmed_flag.entry, reader=demo.ana)
    reads = AuditEvent.objects.filter(action="journal.entry.read")
    assert [event.actor for event in reads] == [demo.supervisor]


def test_identical_data_is_no_change_whatever_its_version(demo, make_entry):
    """A double submit or an idle second tab sends what is stored: no conflict, no new version."""
    entry = make_entry(demo.ana, "First text.")
    stale_version = entry.version
    services.entry_autosave(entry=entry, data={"notes": "Tab one."}, base_version=stale_version)
    version = entry.version
    services.entry_autosave(entry=entry, data={"notes": "Tab one."}, base_version=stale_version)
    services.entry_save(
        entry=entry, data={"notes": "Tab one."}, base_version=stale_version, by=demo.ana
    )
    entry.refresh_from_db()
    assert entry.version == version and entry.notes == "Tab one."


def test_reporting_the_same_crossing_twice_keeps_one_flag(demo, make_entry):
    entry = make_entry(demo.ana)
    for _ in range(2):
        services.flag_report(entry=entry, category="rescuing", note="Did it for her.", by=demo.ana)
    assert entry.flags.filter(source="self").count() == 1
    assert Reminder.objects.filter(kind="flag_unreviewed").count() == 1


def test_the_same_meeting_sent_twice_is_recorded_once(demo, confirmed_flag):
    kwargs = {
        "supervisor": demo.supervisor,
        "supervisee": demo.ana,
        "held_on": date(2026, 11, 20),
        "notes": "Talked.",
        "agreed_actions": "Use the fund.",
        "flags": [confirmed_flag],
    }
    assert services.meeting_record(**kwargs) == services.meeting_record(**kwargs)
    assert SupervisionMeeting.objects.count() == 1


def test_the_review_notice_carries_no_comment_or_note_text(confirmed_flag, demo):
    services.flag_review(
        flag=confirmed_flag, by=demo.supervisor, outcome="watch", comment="Private.", resolve=False
    )
    notice = Reminder.objects.get(kind="flag_reviewed")
    assert notice.recipient == demo.ana
    assert notice.data["outcome"] == "watch"
    for text in ("Private.", confirmed_flag.entry.notes, confirmed_flag.quote):
        assert text not in str(notice.data)
