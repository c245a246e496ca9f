"""Celery tasks: thin, idempotent wrappers around services."""

from celery import shared_task

from reminders import services


@shared_task(
    name="reminders.tasks.heartbeat", ignore_result=True, time_limit=30, soft_time_limit=20
)
def heartbeat() -> None:
    services.worker_heartbeat_record()
