"""Celery tasks: thin, idempotent wrappers around services, taking primary keys only."""

from celery import shared_task

from referrals import reminders, services
from referrals.models import DirectoryImport


@shared_task(
    name="referrals.tasks.import_directory_task",
    ignore_result=True,
    time_limit=3600,
    soft_time_limit=3500,
)
def import_directory_task(import_id: int) -> None:
    """Check an uploaded package, or write a confirmed one, depending on where it stands.

    A missing import is a no-op; each step is claimed with a conditional update, so a redelivered
    message does not run a step twice.
    """
    directory_import = DirectoryImport.objects.filter(pk=import_id).first()
    if directory_import is None:
        return
    if directory_import.status == DirectoryImport.Status.UPLOADED:
        services.directory_import_check(directory_import=directory_import)
    elif directory_import.status == DirectoryImport.Status.CONFIRMED:
        services.directory_import_apply(directory_import=directory_import)


@shared_task(
    name="referrals.tasks.remind_stale_directory",
    ignore_result=True,
    time_limit=300,
    soft_time_limit=240,
)
def remind_stale_directory() -> int:
    """Daily: remind each agency's admins (once a week) of entries not verified for 180 days."""
    return reminders.stale_reminders_schedule()
