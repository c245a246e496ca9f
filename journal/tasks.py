"""Celery tasks: thin, idempotent wrappers around the journal's rules. No arguments."""

from celery import shared_task

from journal import reminders


@shared_task(
    name="journal.tasks.supervision_rules",
    ignore_result=True,
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
)
def supervision_rules() -> int:
    """Hourly (beat): schedule supervision-due and -overdue reminders for every pair."""
    return reminders.supervision_reminders_schedule()
