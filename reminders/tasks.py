"""Celery tasks: thin, idempotent wrappers around services. Arguments are ids and tokens only."""

from celery import shared_task

from reminders import delivery, retake, services, supervision


@shared_task(
    name="reminders.tasks.heartbeat", ignore_result=True, time_limit=30, soft_time_limit=20
)
def heartbeat() -> None:
    services.worker_heartbeat_record()


@shared_task(
    name="reminders.tasks.dispatch_due",
    ignore_result=True,
    acks_late=True,
    time_limit=120,
    soft_time_limit=100,
)
def dispatch_due() -> int:
    """Every minute (beat): sweep abandoned claims, claim what is due, enqueue deliveries."""
    return delivery.reminders_dispatch(enqueue=_enqueue_delivery)


def _enqueue_delivery(recipient_id: int, claim_token: str) -> None:
    deliver_digest.apply_async(args=[recipient_id, claim_token], retry=False)


@shared_task(
    name="reminders.tasks.deliver_digest",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    # Far below the sweep's ten minutes, so a live task's claim is never taken from it.
    time_limit=180,
    soft_time_limit=150,
)
def deliver_digest(recipient_id: int, claim_token: str) -> int:
    """Deliver one person's claimed reminders (in Limen and as one e-mail). A missing row, or
    a token already used, is a clean no-op; a failed send is retried by the dispatcher."""
    return delivery.digest_deliver(recipient_id=recipient_id, claim_token=claim_token)


@shared_task(
    name="reminders.tasks.supervision_rules",
    ignore_result=True,
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
)
def supervision_rules() -> int:
    """Hourly (beat): schedule supervision-due and -overdue reminders for every pair."""
    return supervision.supervision_reminders_schedule()


@shared_task(
    name="reminders.tasks.inventory_retake_rules",
    ignore_result=True,
    acks_late=True,
    time_limit=300,
    soft_time_limit=240,
)
def inventory_retake_rules() -> int:
    """Daily (beat): suggest a re-take to everyone whose latest take is 90 days old."""
    return retake.inventory_retake_reminders_schedule()
