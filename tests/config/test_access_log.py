"""The access log keeps no search words and no tokens (finding 9)."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from config.access_log import RedactingLogger, redact_path

SECRETS = ["violence", "Jansen", "s3cr3tT0ken", "Mjk", "abc-123def", "feedtoken"]


def log_line(path: str, query: str = "", referer: str = "-") -> str:
    config = Config()
    config.set("accesslog", "-")
    logger = RedactingLogger(config)
    records = []

    class Catch(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger.access_log.handlers = [Catch()]
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": path + ("?" + query if query else ""),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "test",
    }
    req = SimpleNamespace(
        headers=[("REFERER", referer), ("USER-AGENT", "test")],
        method="GET",
        path=path,
        query=query,
        uri=environ["RAW_URI"],
        version=(1, 1),
    )
    resp = SimpleNamespace(status="200 OK", sent=10, headers=[])
    logger.access(resp, req, environ, timedelta(milliseconds=5))
    assert records, "nothing logged"
    return records[0]


@pytest.mark.parametrize(
    "path,query,referer",
    [
        ("/journal/", "q=violence+Jansen", "-"),
        ("/directory/", "q=violence&lang=nl", "https://limen.example/journal/?q=Jansen"),
        ("/directory/verify/s3cr3tT0ken/", "", "-"),
        ("/accounts/reset/Mjk/abc-123def/", "", "-"),
        ("/reminders/calendar/feedtoken.ics", "", "-"),
        (
            "/reminders/unsubscribe/s3cr3tT0ken/",
            "",
            "https://x.example/directory/verify/feedtoken/",
        ),
    ],
)
def test_no_search_words_or_tokens_reach_the_access_log(path, query, referer):
    line = log_line(path, query, referer)
    for secret in SECRETS:
        assert secret not in line, line
    assert "GET /" in line and " 200 " in line


def test_ordinary_paths_are_logged_as_they_are():
    assert redact_path("/journal/entries/3/edit/") == "/journal/entries/3/edit/"
    assert redact_path("/reminders/calendar/abc.ics") == "/reminders/calendar/….ics"


def test_gunicorn_uses_the_redacting_logger():
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["logger_class"] == "config.access_log.RedactingLogger"


def test_gunicorn_keeps_an_idle_connection_longer_than_people_pause_between_clicks():
    # With gunicorn's default of 2 s, the load benchmark's people (1-5 s between actions) sometimes
    # sent their next request on a connection the server was closing at that moment: a reset.
    import runpy
    from pathlib import Path

    settings = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert settings["keepalive"] > 5
