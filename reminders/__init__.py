"""Reminders: the outbox other apps write to with ``reminders.schedule(...)``.

The two functions are thin, import-light entry points so that ``import reminders`` stays cheap
and safe before the app registry is ready.
"""


def schedule(**kwargs):
    """Schedule a reminder; see ``reminders.services.reminder_schedule``."""
    from reminders.services import reminder_schedule

    return reminder_schedule(**kwargs)


def cancel(**kwargs) -> int:
    """Cancel waiting reminders; see ``reminders.services.reminder_cancel``."""
    from reminders.services import reminder_cancel

    return reminder_cancel(**kwargs)
