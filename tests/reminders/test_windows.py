"""Working-hours windows (article 004: respect your working hours), across zones and DST."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from accounts.models import WorkingPeriod
from accounts.selectors import working_hours_of
from journal.reminders import FLAG_FOLLOWUP
from reminders.planning import deliver_after_for
from reminders.services import reminder_schedule
from reminders.windows import (
    next_window_opening,
    next_window_start,
    start_of_local_day,
    within_window,
)

AMS = ZoneInfo("Europe/Amsterdam")
NYC = ZoneInfo("America/New_York")
SYD = ZoneInfo("Australia/Sydney")
TOKYO = ZoneInfo("Asia/Tokyo")
OFFICE = dict.fromkeys(range(5), (time(9, 0), time(17, 0)))  # the default: Mon–Fri 9–17


def local(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_inside_the_window_is_delivered_at_once():
    moment = local(AMS, 2026, 3, 4, 11, 15)  # a Wednesday
    assert next_window_start(moment, OFFICE, AMS) == moment
    assert within_window(moment, OFFICE, AMS)


def test_before_the_window_waits_for_its_start():
    assert next_window_start(local(AMS, 2026, 3, 4, 6, 0), OFFICE, AMS) == utc(2026, 3, 4, 8, 0)


def test_after_the_window_waits_for_the_next_day():
    assert next_window_start(local(AMS, 2026, 3, 4, 17, 0), OFFICE, AMS) == utc(2026, 3, 5, 8, 0)


def test_friday_evening_waits_for_monday():
    assert next_window_start(local(AMS, 2026, 3, 6, 18, 0), OFFICE, AMS) == utc(2026, 3, 9, 8, 0)


def test_saturday_night_before_spring_forward_is_delivered_monday_nine_local():
    # Clocks go forward on Sunday 29 March 2026: Monday 09:00 is CEST (UTC+2).
    delivered = next_window_start(local(AMS, 2026, 3, 28, 23, 30), OFFICE, AMS)
    assert delivered == utc(2026, 3, 30, 7, 0)
    assert delivered.astimezone(AMS).hour == 9


def test_saturday_night_before_fall_back_is_delivered_monday_nine_local():
    # Clocks go back on Sunday 25 October 2026: Monday 09:00 is CET (UTC+1).
    delivered = next_window_start(local(AMS, 2026, 10, 24, 23, 30), OFFICE, AMS)
    assert delivered == utc(2026, 10, 26, 8, 0)
    assert delivered.astimezone(AMS).hour == 9


def test_due_at_half_past_two_on_spring_forward_day_waits_for_monday():
    # 02:30 does not exist on 29 March 2026 in Amsterdam; it is read as 03:30 CEST.
    due = datetime(2026, 3, 29, 2, 30).replace(tzinfo=AMS)
    assert next_window_start(due, OFFICE, AMS) == utc(2026, 3, 30, 7, 0)


def test_due_at_half_past_two_on_spring_forward_day_for_a_sunday_night_worker():
    # A window opening at 02:00 on the spring-forward Sunday opens at 03:00 CEST instead.
    hours = {6: (time(2, 0), time(12, 0))}
    assert next_window_start(local(AMS, 2026, 3, 29, 0, 30), hours, AMS) == utc(2026, 3, 29, 1, 0)
    due = datetime(2026, 3, 29, 2, 30).replace(tzinfo=AMS)
    delivered = next_window_start(due, hours, AMS)
    assert delivered == due.astimezone(UTC)
    assert delivered.astimezone(AMS).hour == 3


def test_window_in_the_autumn_overlap_uses_the_first_occurrence():
    hours = {6: (time(2, 30), time(12, 0))}
    delivered = next_window_start(local(AMS, 2026, 10, 25, 0, 0), hours, AMS)
    assert delivered == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, before the clocks go back


def test_week_around_spring_forward_keeps_nine_local_every_day():
    for day in range(23, 28):  # Mon 23 – Fri 27 March, CET
        assert next_window_start(local(AMS, 2026, 3, day, 7), OFFICE, AMS).hour == 8
    for day in range(30, 32):  # Mon 30 – Tue 31 March, CEST
        assert next_window_start(local(AMS, 2026, 3, day, 7), OFFICE, AMS).hour == 7


def test_new_york_changes_clocks_on_a_different_sunday():
    # US DST began 8 March 2026; Europe was still on winter time that week.
    assert next_window_start(local(NYC, 2026, 3, 7, 22), OFFICE, NYC) == utc(2026, 3, 9, 13, 0)
    assert next_window_start(local(NYC, 2026, 3, 6, 7), OFFICE, NYC) == utc(2026, 3, 6, 14, 0)


def test_sydney_falls_back_in_april():
    # Australian DST ended Sunday 5 April 2026: AEDT (UTC+11) → AEST (UTC+10).
    assert next_window_start(local(SYD, 2026, 4, 3, 18), OFFICE, SYD) == utc(2026, 4, 5, 23, 0)


def test_a_utc_moment_is_read_in_the_recipients_zone():
    # 23:30 UTC on a Monday is already Tuesday 08:30 in Tokyo: delivered at 09:00 Tokyo time.
    assert next_window_start(utc(2026, 3, 2, 23, 30), OFFICE, TOKYO) == utc(2026, 3, 3, 0, 0)


def test_weekend_workers_get_weekend_reminders():
    hours = {5: (time(10, 0), time(14, 0)), 6: (time(10, 0), time(14, 0))}
    assert next_window_start(local(AMS, 2026, 3, 4, 12), hours, AMS) == utc(2026, 3, 7, 9, 0)


def test_no_hours_at_all_means_no_waiting():
    moment = local(AMS, 2026, 3, 8, 3, 0)
    assert next_window_start(moment, {}, AMS) == moment
    assert next_window_opening(moment, {}, AMS) == moment


def test_naive_moments_are_refused():
    with pytest.raises(ValueError):
        next_window_start(datetime(2026, 3, 4, 9), OFFICE, AMS)  # noqa: DTZ001
    with pytest.raises(ValueError):
        next_window_opening(datetime(2026, 3, 4, 9), OFFICE, AMS)  # noqa: DTZ001


def test_daily_digest_waits_for_the_next_window_opening():
    assert next_window_opening(local(AMS, 2026, 3, 4, 11), OFFICE, AMS) == utc(2026, 3, 5, 8, 0)
    assert next_window_opening(local(AMS, 2026, 3, 4, 9), OFFICE, AMS) == utc(2026, 3, 4, 8, 0)
    assert next_window_opening(local(AMS, 2026, 3, 6, 10), OFFICE, AMS) == utc(2026, 3, 9, 8, 0)


def test_start_of_local_day_across_spring_forward():
    start = start_of_local_day(local(AMS, 2026, 3, 28, 15), AMS, days_ahead=2)
    assert start == utc(2026, 3, 29, 22, 0)  # Monday 00:00 CEST


def test_people_with_no_hours_set_get_monday_to_friday_nine_to_five(practitioner):
    assert working_hours_of(practitioner) == OFFICE
    saturday = local(AMS, 2026, 3, 7, 12)
    assert deliver_after_for(practitioner, saturday) == utc(2026, 3, 9, 8, 0)


def test_own_hours_and_zone_decide(practitioner):
    practitioner.time_zone = "America/New_York"
    practitioner.save()
    WorkingPeriod.objects.create(user=practitioner, weekday=5, start=time(8), end=time(12))
    friday_evening = local(NYC, 2026, 3, 6, 20)
    assert deliver_after_for(practitioner, friday_evening) == utc(2026, 3, 7, 13, 0)


def test_scheduled_reminder_waits_for_the_window(practitioner):
    # The Saturday night before the clocks go forward (the last Sunday of March), next year: a
    # reminder is never planned into the past.
    year = timezone.now().year + 1
    sunday = max(date(year, 3, day) for day in range(25, 32) if date(year, 3, day).weekday() == 6)
    reminder = reminder_schedule(
        kind=FLAG_FOLLOWUP,
        recipient=practitioner,
        due_at=datetime.combine(sunday - timedelta(days=1), time(23, 0), tzinfo=AMS),
        about="journal.flag:x",
        key="flag_followup:x",
        data={"client": "C-1", "session": "2026-03-27"},
    )
    monday = sunday + timedelta(days=1)
    assert reminder.deliver_after == datetime.combine(monday, time(7, 0), tzinfo=UTC)  # 9 CEST
    assert reminder.deliver_after - reminder.due_at == timedelta(hours=33)
