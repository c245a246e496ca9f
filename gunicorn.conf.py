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
accesslog = "-"
# The access log keeps no query strings (search words) and no tokens from links.
logger_class = "config.access_log.RedactingLogger"
errorlog = "-"
# Trust X-Forwarded-* only from the load balancer's addresses (all, inside a container network).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def post_worker_init(worker):
    """Load the slip detector's rules and model before the worker takes its first request."""
    from journal.slips import warm

    warm()
