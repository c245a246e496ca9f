"""Logging filters named in ``settings.LOGGING``."""

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    """A refused request is logged as one line ("Forbidden (Permission denied): /path"), not
    with a traceback: it is an expected answer, and tracebacks of every probe drown real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
