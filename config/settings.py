"""The one settings module. Every value that differs between machines comes from the
environment (see README, "Configuration"); the defaults run with no services at all."""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env")  # optional; a missing file is fine
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _strict_bool(name: str, default: bool) -> bool:
    """django-environ reads any unknown word as False; a typo here must fail loudly."""
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


DEBUG = _strict_bool("DEBUG", False)
# Demo mode creates the demo accounts and prints them; never on in production.
DEMO_MODE = _strict_bool("DEMO_MODE", DEBUG)
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="lamtheo2026")

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
else:
    SECRET_KEY = env.str("SECRET_KEY", default=None)
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # serves the API docs page's scripts from our own static files
    "registry.core",
    "registry.accounts",
    "registry.units",
    "registry.members",
    "registry.programmes",
    "registry.indicators",
    "registry.audit",
    "registry.access",
    "registry.signin",
    "registry.pledges",
    "registry.collective",
    "registry.commendations",
    "registry.cells",
    "registry.rosters",
    "registry.notifications",
    "registry.reviews",
    "registry.practices",
    "registry.exports",
    "registry.reminders",
    "registry.api",
    "registry.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "registry.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Who is signed in, their second step and the unread count, in one query (in place of
    # Django's AuthenticationMiddleware and django-otp's OTPMiddleware, with their rules).
    "registry.signin.middleware.SignedInMiddleware",
    # API paths answer JSON, in Vietnamese, even when the middlewares below refuse them.
    "registry.api.middleware.ApiAnswersMiddleware",
    "registry.signin.middleware.SecondStepMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "registry.core.middleware.InputGuardMiddleware",
    "registry.core.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out sign-in into the page a wrong password gets (see below).
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "registry.notifications.context_processors.unread_reminders",
            ],
        },
    },
]

# --- Database: SQLite file under var/ unless DATABASE_URL says otherwise -------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'registry.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: wait for locks instead of failing, and let
    # readers run beside the single writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
# The few reads of every request (`core.compiled`) are prepared statements on PostgreSQL, and
# only they. Set PREPARED_READS=0 behind a pooler that does not carry prepared statements
# (PgBouncer before 1.22, or without `max_prepared_statements`).
PREPARED_READS = _strict_bool("PREPARED_READS", True)
# --- Cache: parts of pages kept between requests (`core.pagecache`) ------------------------
# In each process's memory unless CACHE_URL names a shared one (redis://…). A kept part is
# keyed by a stamp its data changes (docs/architecture.md), so a process's copy is never
# stale; PAGE_PARTS_SECONDS bounds what the stamps do not cover (a name edited in the admin).
CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://lamtheo?MAX_ENTRIES=1000&CULL_FREQUENCY=4"
    ),
    # The navigation's links of each reader and language (`templates/base.html`), in each
    # process's memory: the same for every page, a few hundred bytes a reader.
    "frame": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "frame",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"]["BACKEND"] = "registry.core.cache.RedisCache"  # one client per pool
# A cache shared between processes also keeps the sessions (written through to the database:
# a sign-out is seen by every process at once); each process's own memory does not.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
if CACHES["default"]["BACKEND"] != "django.core.cache.backends.locmem.LocMemCache":
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PAGE_PARTS_CACHE = "default"
PAGE_PARTS_SECONDS = env.int("PAGE_PARTS_SECONDS", default=300)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses while the sign-in is locked out
    "registry.accounts.backends.IdentifierBackend",
]
LOGIN_URL = "signin:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "signin:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "registry.accounts.validators.NameSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
CSRF_FAILURE_VIEW = "registry.core.views.csrf_failure"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords within the
# cool-off window, the account is refused from that address, and from anywhere once the same
# account fails that often in all. A locked-out attempt gets exactly the page a wrong password
# gets, so it confirms nothing. An administrator unlocks in the admin ("Access attempts") or
# with `manage.py axes_reset_username <user name>`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_USERNAME_CALLABLE = "registry.accounts.backends.throttle_key"
AXES_LOCKOUT_CALLABLE = "registry.accounts.backends.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_SENSITIVE_PARAMETERS = ["password", "code", "token"]
AXES_VERBOSE = False
# Behind a proxy, set AXES_IPWARE_PROXY_COUNT so the client's address is read, not the proxy's.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)

# Second factor (django-otp: an authenticator app, TOTP, and ten one-time recovery codes).
# Required of everyone who leads a unit or is an administrator (`access.policy`), and of every
# account when OTP_REQUIRED_FOR_ALL is on.
OTP_REQUIRED_FOR_ALL = _strict_bool("OTP_REQUIRED_FOR_ALL", False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Sổ đăng ký làm theo")
# A one-time reset code issued by a cell secretary, valid this long.
RESET_CODE_MINUTES = env.int("RESET_CODE_MINUTES", default=30)
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# --- Language, time and numbers: Vietnamese first ------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["registry.formats"]

# --- Static files and uploads --------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "private")))

# --- Mail: files under var/mail/ unless EMAIL_URL says otherwise ----------------------------
_email = env.email_url("EMAIL_URL", default="filemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"] or str(VAR_DIR / "mail")
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Sổ đăng ký làm theo <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: file-system broker under var/broker/ unless CELERY_BROKER_URL says otherwise ----
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
# A broker that hangs or is gone costs a caller seconds, not minutes (docs/operations.md): a
# web request that queues work gives up after one attempt and leaves it to the catch-up jobs.
# A message taken by a worker that dies goes back to the queue after the visibility timeout,
# which is far above the longest task (a few seconds).
CELERY_BROKER_TIMEOUT_SECONDS = env.float("CELERY_BROKER_TIMEOUT_SECONDS", default=2.0)
CELERY_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=600)
CELERY_BROKER_CONNECTION_TIMEOUT = CELERY_BROKER_TIMEOUT_SECONDS
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis (the filesystem and AMQP transports ignore what they do not know).
    "socket_timeout": CELERY_BROKER_TIMEOUT_SECONDS,
    "socket_connect_timeout": CELERY_BROKER_TIMEOUT_SECONDS,
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT_SECONDS,
    "health_check_interval": 30,
}
CELERY_REDIS_SOCKET_TIMEOUT = CELERY_BROKER_TIMEOUT_SECONDS
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = CELERY_BROKER_TIMEOUT_SECONDS
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0.2,
    "interval_step": 0.5,
    "interval_max": 1,
}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS |= {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    for _sub in ("queue", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Periodic jobs are declared in registry/core/schedule.py and installed into the database by
# `manage.py install_schedule`; the admin may change their timing there.
CELERY_TASK_ROUTES = {
    "registry.notifications.tasks.send_digest": {"queue": "mail"},
    "registry.notifications.tasks.send_digests": {"queue": "mail"},
    "registry.reviews.tasks.render_review_pdf": {"queue": "export"},
    "registry.exports.tasks.render_table": {"queue": "export"},
}
# Exports of more rows than this are written by a worker (registry/exports).
EXPORT_LARGE_ROWS = env.int("EXPORT_LARGE_ROWS", default=5_000)
HEARTBEAT_MAX_AGE_SECONDS = env.int("HEARTBEAT_MAX_AGE_SECONDS", default=120)

# --- Logging: to the console, where honcho or the service manager collects it ---------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- HTTP security (README, "Running behind a proxy") ---------------------------------------
# Off DEBUG, plain HTTP is redirected to HTTPS and browsers are told to stay on HTTPS (HSTS).
# Behind a proxy that terminates TLS, either let it redirect (SECURE_SSL_REDIRECT=0) or tell
# Django which header says the request came over HTTPS (SECURE_PROXY_SSL_HEADER).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = _strict_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _strict_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _strict_bool("SECURE_HSTS_PRELOAD", False)
# Asking browsers to preload the domain is its owner's decision, not the application's.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
_proxy_header = env.str("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_header:
    # "X-Forwarded-Proto" (the header the proxy sets; HTTP_ form is derived) and "https".
    _name, _, _value = _proxy_header.partition(",")
    if not _value.strip():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={_proxy_header!r}: write the header and its value, "
            "e.g. X-Forwarded-Proto,https"
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip(),
    )
if not DEBUG:
    SESSION_COOKIE_SECURE = _strict_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Content-Security-Policy of every page (`core.middleware.PrivatePagesMiddleware`): scripts and
# everything else from this site only, no inline script; inline styles are allowed (htmx adds
# its indicator style, a few templates set a width).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The longest single value a request may carry (a form field's own max_length is far lower).
MAX_VALUE_CHARS = 20_000

# The JSON API (`registry.api`): where it lives, and the requests a token (or a signed-in
# person) may make in a minute, counted in the cache.
API_PREFIX = "/api/"
API_RATE_PER_MINUTE = env.int("API_RATE_PER_MINUTE", default=600)

# --- Evidence files attached to quarterly reports ---------------------------------------------
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
EVIDENCE_MAX_FILES = env.int("EVIDENCE_MAX_FILES", default=5)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Reminders ------------------------------------------------------------------------------
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
REMINDER_BATCH_SIZE = env.int("REMINDER_BATCH_SIZE", default=5000)
REVIEW_GENERATION_DELAY_DAYS = env.int("REVIEW_GENERATION_DELAY_DAYS", default=3)
