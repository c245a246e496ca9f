"""Celery tasks: thin, idempotent wrappers around the self-inventory's rules. No arguments."""

from celery import shared_task

from boundaries import reminders


@shared_task(
    name="boundaries.tasks.inventory_retake_rules",
    ignore_result=True,
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
)
def inventory_retake_rules() -> int:
    """Daily (beat): suggest a re-take to everyone whose latest take is ``RETAKE_AFTER`` old."""
    return reminders.inventory_retake_reminders_schedule()
