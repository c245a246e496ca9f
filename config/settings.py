"""Limen's settings: one module, configured from environment variables.

Defaults suit a developer's machine (SQLite in ``data/``, Celery on kombu's filesystem broker,
e-mail printed to the console). Production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` and ``REDIS_URL``; the README's configuration table lists every variable.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.languages import FALLBACK_LANGUAGE, LANGUAGE_CODES

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LIMEN_DATA_DIR", BASE_DIR / "data"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Development defaults; production (docker-compose.yml, the Procfile's deployments) sets DEBUG=0.
DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "limen-development-only-key-never-use-in-production-0123456789"

# Secrets Limen must read back (a subscribed agency's API token) are encrypted with Fernet under
# this key (one or more, comma-separated, newest first, for rotation); unset, a key is derived
# from SECRET_KEY with HKDF. See directory/secretbox.py.
LIMEN_SECRET_BOX_KEY = env_str("LIMEN_SECRET_BOX_KEY")
# Pulling another agency's directory never connects to private, loopback or link-local addresses
# except on the hosts named here (an operator's decision, not an agency admin's).
DIRECTORY_PULL_PRIVATE_HOSTS = env_list("DIRECTORY_PULL_PRIVATE_HOSTS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Links in e-mails and the calendar feed. Unset, it is where `make run` serves: the port the web
# process binds (PORT, as gunicorn.conf.py reads it), so the links reach this server.
SITE_URL = (env_str("SITE_URL") or f"http://127.0.0.1:{env_int('PORT', 8000)}").rstrip("/")
# Two floor pages for `make bench` to measure against (bench/pages_bench.py); off everywhere else.
LIMEN_BENCH_FLOORS = env_bool("LIMEN_BENCH_FLOORS", default=False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "boundaries",
    "journal",
    "directory",
    "referrals",
    "reminders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionBackendMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "config.middleware.NoStoreWhenSignedInMiddleware",
    "accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # After messages and htmx: an ended session says so on a page, never in an htmx fragment.
    "accounts.middleware.SessionTimeoutMiddleware",
    # After the timeouts: a signed-in person who owes a second factor gets nothing else.
    "accounts.two_factor.TwoFactorMiddleware",
    # Before any view, and after everything a page needs (the person, their language, the CSP
    # and no-store headers), so that a refused address is answered on a page of the site. No
    # middleware above parses the query string.
    "config.middleware.QueryStringGuardMiddleware",
    # Last, so that a locked-out login is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.navigation.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'limen.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE takes the write lock at
    # BEGIN, so two writers queue on busy_timeout instead of failing with "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # Progress of long tasks (a directory import), read by the page polling it.
        "progress": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        # Sessions (read on every request): see SESSION_ENGINE.
        "sessions": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "session",
        },
        # What searches read off an agency's directory (filter lists, result cards): many
        # entries, kept apart from the default cache's rate-limit counters.
        "directory": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "directory",
        },
    }
    CELERY_BROKER_URL = REDIS_URL
    # kombu's Redis transport, with acknowledgements on a channel closed by a lost connection
    # failing as connection errors rather than shutting the worker down: see config/broker.py.
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task's hard time limit (the directory import's hour), so a running
        # acks_late task is never handed to a second worker; no task carries an ETA or countdown
        # (reminders wait in the database). A message whose worker died comes back after this.
        "visibility_timeout": 7200,
        "socket_timeout": 5,
        "socket_connect_timeout": 5,
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # Filter lists and result cards, in each process's memory: up to 250 pages of twenty
        # cards, never crowding the default cache's rate-limit counters out. Each process
        # keeps its own; the directory generation, in the database, tells them all when the
        # directory changed (directory/search/cards.py).
        "directory": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "directory",
            "OPTIONS": {"MAX_ENTRIES": 5_000},
        },
        # The worker writes an import's progress while its transaction is still open; the web
        # process must see it, so this one is shared through files rather than process memory.
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "progress"),
        },
        # Every web worker must see a session end at once (a sign-out, a timeout), so sessions
        # are never kept in one process's memory: files, like the import progress.
        "sessions": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache" / "sessions"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        },
    }
    BROKER_DIR = DATA_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# Without this a task whose worker child is killed is acknowledged and lost.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
# The schedule lives in code. Every entry is idempotent, so two beats running by mistake double
# the messages but never a reminder. ``expires`` drops runs that waited in the queue longer than
# their interval (a worker was down): the next run does the same work. No task is ever given an
# ETA or countdown (Redis would re-deliver it after the visibility timeout): back-off lives in the
# reminder rows. LIMEN_DISPATCH_SECONDS shortens the dispatcher's minute for the fault tests.
# The rules that schedule reminders are declared by the apps that own them, beside their kinds
# (``<app>/reminders.py``), and join this schedule when the apps are ready.
REMINDER_DISPATCH_SECONDS = env_int("LIMEN_DISPATCH_SECONDS", 60)
# Reminder recovery (README, "Reminders"). A delivery holds its claim on the rows for a lease
# that it renews while it works; a claim nobody renews (its worker died, or its task was lost with
# the broker) is swept back by the first dispatch after the lease ends, so a reminder is picked up
# again within lease + dispatch interval of the last sign of life: 45 + 60 s, inside the promised
# two minutes with room for the delivery itself. Renewing at a third of the lease lets two
# renewals fail before a live worker loses its claim.
REMINDER_CLAIM_LEASE_SECONDS = 45
REMINDER_CLAIM_RENEW_SECONDS = 15
REMINDER_RECOVERY_SECONDS = 120
# A person's reminders falling due minutes apart go in one e-mail: due reminders wait up to this
# long (never past the end of the working window) while more of theirs are about to fall due.
REMINDER_GATHER_SECONDS = env_int("LIMEN_GATHER_SECONDS", 5 * 60)
# /healthz reports "degraded" once a reminder that should have gone out has waited this long
# (its e-mail failing and retried, or no worker taking it).
REMINDER_HEALTH_MAX_WAIT_SECONDS = 10 * 60
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {
        "task": "reminders.tasks.heartbeat",
        "schedule": timedelta(seconds=env_int("LIMEN_HEARTBEAT_SECONDS", 30)),
        "options": {"expires": 25},
    },
    "reminders-dispatch": {
        "task": "reminders.tasks.dispatch_due",
        "schedule": timedelta(seconds=REMINDER_DISPATCH_SECONDS),
        "options": {"expires": max(REMINDER_DISPATCH_SECONDS - 1, 1)},
    },
}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.MemberBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Two-factor sign-in (django-otp): the name authenticator apps show beside the six digits, and
# how long the second step may wait after the password was accepted.
OTP_TOTP_ISSUER = "Limen"
TWO_FACTOR_PENDING_SECONDS = 5 * 60
TWO_FACTOR_RECOVERY_CODES = 10

# Brute-force protection: five failures for one e-mail from one address lock it for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The sign-in form posts the e-mail address as "username" (Django's AuthenticationForm); it is
# counted stripped and lower-cased, as sign-in matches it.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.signin.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Signed out after 30 minutes without activity, and 12 hours after signing in however active
# (accounts.middleware.SessionTimeoutMiddleware). Requests a page makes by itself, such as the
# reminders badge's poll, are no activity.
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 60 * 60 * 12
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_POLL_URL_NAMES = ["reminders:badge"]
# Sessions are written to the database and read from the shared "sessions" cache: every page
# is one query lighter, and a cache that lost a session reads it back from the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# Password-reset e-mails: at most 3 per account and 10 per client address an hour.
PASSWORD_RESET_RATE_WINDOW_SECONDS = 60 * 60
PASSWORD_RESET_RATE_PER_ACCOUNT = 3
PASSWORD_RESET_RATE_PER_ADDRESS = 10
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = FALLBACK_LANGUAGE
_LANGUAGE_NAMES = {"en": _("English"), "nl": _("Dutch"), "de": _("German"), "fr": _("French")}
LANGUAGES = [(code, _LANGUAGE_NAMES[code]) for code in LANGUAGE_CODES]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
# Stored and processed in UTC; each page is shown in the signed-in person's own time zone.
TIME_ZONE = env_str("TIME_ZONE", "UTC")
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Limen <limen@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer's and compose's health checks speak plain HTTP to the container.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# No page uses these browser features; an empty list refuses them to every origin.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "usb": [],
    "fullscreen": ["self"],
}

# Everything is served from our own origin: no CDN, no inline script, no eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"no_traceback_for_403": {"()": "config.logs.PermissionDeniedWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"filters": ["no_traceback_for_403"]},
    },
}
