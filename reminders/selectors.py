"""Reads about reminder delivery."""

from datetime import datetime

from django.db import DatabaseError

from reminders.models import WorkerHeartbeat


def worker_last_seen() -> datetime | None:
    """When a worker last ran the beat-scheduled heartbeat task, if ever."""
    try:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    except DatabaseError:
        return None
    return beat.beat_at if beat else None
