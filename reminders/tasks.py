"""Celery tasks: thin, idempotent wrappers around services. Arguments are ids and tokens only.

The rules that schedule reminders run as the owning apps' own tasks (declared with their kinds).
"""

from celery import shared_task

from reminders import delivery, services


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
    # The claim's lease is renewed while the task runs; a task past its hard limit is killed
    # and its claim swept back once the lease runs out.
    time_limit=180,
    soft_time_limit=150,
)
def deliver_digest(recipient_id: int, claim_token: str) -> int:
    """Deliver one person's claimed reminders (in Limen and as one e-mail). A missing row, or
    a token already used, is a clean no-op; a failed send is retried by the dispatcher."""
    return delivery.digest_deliver(recipient_id=recipient_id, claim_token=claim_token)
