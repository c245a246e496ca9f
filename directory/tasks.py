"""Celery tasks: thin, idempotent wrappers around services, taking primary keys only.

The tasks keep the names they had when the directory lived in the ``referrals`` app, so that
messages already queued and the beat schedule (``config/settings.py``) still find them.
"""

from celery import shared_task

from directory import reminders
from directory.models import DirectoryImport, Subscription
from directory.services import imports, pulls


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
        imports.directory_import_check(directory_import=directory_import)
    elif directory_import.status == DirectoryImport.Status.CONFIRMED:
        imports.directory_import_apply(directory_import=directory_import)


@shared_task(
    name="referrals.tasks.remind_stale_directory",
    ignore_result=True,
    time_limit=300,
    soft_time_limit=240,
)
def remind_stale_directory() -> int:
    """Daily: remind each agency's admins (once a week) of entries not verified for
    ``STALE_AFTER_DAYS``."""
    return reminders.stale_reminders_schedule()


@shared_task(
    name="directory.tasks.pull_due_subscriptions",
    ignore_result=True,
    time_limit=120,
    soft_time_limit=100,
)
def pull_due_subscriptions() -> int:
    """Every few minutes: send a pull for each scheduled subscription that is due (claimed
    first, so none is sent twice)."""
    due = pulls.subscriptions_claim_due()
    for pk in due:
        pull_subscription_task.delay(pk)
    return len(due)


@shared_task(
    name="directory.tasks.pull_subscription",
    ignore_result=True,
    time_limit=900,
    soft_time_limit=840,
)
def pull_subscription_task(subscription_id: int) -> None:
    """Pull one subscription. A missing one is a no-op; a change set already waiting for
    approval means nothing is fetched."""
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is not None:
        pulls.subscription_pull(subscription=subscription)
