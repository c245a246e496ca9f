"""gunicorn's access log without secrets: no query strings (journal and directory search words,
filters), and no tokens in paths (a service's verification link, password-reset links, the
private calendar feed, unsubscribe links), in the request line and in the referrer alike.

Used by ``gunicorn.conf.py`` as ``logger_class``; the format stays gunicorn's default.
"""

import re
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

REDACTED = "…"
# Path segments that are secrets, by the routes that carry them.
TOKEN_PATHS = [
    (re.compile(r"(/directory/verify/)[^/]+"), r"\1" + REDACTED),
    (re.compile(r"(/accounts/reset/)[^/]+/[^/]+"), r"\1" + REDACTED),
    (re.compile(r"(/reminders/calendar/)[^/]+?(\.ics)$"), r"\1" + REDACTED + r"\2"),
    (re.compile(r"(/reminders/unsubscribe/)[^/]+"), r"\1" + REDACTED),
]


def redact_path(path: str) -> str:
    """``path`` without its query string and with token segments replaced."""
    path = (path or "").split("?", 1)[0].split("#", 1)[0]
    for pattern, replacement in TOKEN_PATHS:
        path = pattern.sub(replacement, path)
    return path


def redact_url(url: str) -> str:
    """A full URL (the Referer) reduced to its origin and redacted path."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    return origin + redact_path(parts.path)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(environ.get("PATH_INFO", ""))
        atoms["U"] = path
        atoms["q"] = ""
        method = environ.get("REQUEST_METHOD", "-")
        atoms["r"] = f"{method} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["f"] = redact_url(atoms.get("f", "-"))
        for key in list(atoms):
            if key == "{referer}i":
                atoms[key] = redact_url(atoms[key])
            elif key in ("{raw_uri}e", "{path_info}e", "{request_uri}e"):
                atoms[key] = path
            elif key == "{query_string}e":
                atoms[key] = ""
        return atoms
