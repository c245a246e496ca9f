"""Signals accounts sends for the apps above it, which it must not import."""

from django.dispatch import Signal

# Sent with ``user`` inside the transaction that changed a person's time zone or working hours,
# so that what is timed by them (their waiting reminders) follows in that same transaction.
working_time_changed = Signal()
