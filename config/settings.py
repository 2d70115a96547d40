"""Settings for Resolution Tracker, read from the environment.

Two shapes, chosen by what is set:

* **Embedded** (nothing set): SQLite under ``var/``, Celery tasks run eagerly in-process,
  local-memory cache, DEBUG on. ``make run`` uses it so a newcomer needs no service.
* **Production** (``DATABASE_URL`` and ``REDIS_URL`` set): PostgreSQL through psycopg 3,
  Redis as Celery broker, result backend and cache, DEBUG off with every
  ``check --deploy`` recommendation applied. The test suite runs in this shape.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Parse a boolean environment variable; unknown spellings are an error, not False."""
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
EMBEDDED = not DATABASE_URL

DEBUG = env_bool("DEBUG", default=EMBEDDED)

_DEV_SECRET = "embedded-development-only-not-a-secret-" + "x" * 24
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # The development key is public (it is in this file): with DEBUG off the app may be reachable
    # by others, embedded or not, and sessions and password-reset links signed with a known key
    # can be forged.
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off: set SECRET_KEY to a long random string "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development only"
        )
    SECRET_KEY = _DEV_SECRET

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG or EMBEDDED else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "config.admin.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "treebeard",
    "auditlog",
    "csp",
    "axes",
    "organizations",
    "resolutions",
    "meetings",
    "search",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, which answers static files itself: they keep their long cache and need
    # no policy; every page and download gets both.
    "config.middleware.PrivateResponseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.AuditlogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and the messages are known, before LoginRequiredMiddleware sends an
    # expired session to the login page.
    "config.middleware.IdleSessionMiddleware",
    # A user holding a temporary password (issued by an administrator) is sent to the
    # password-change page until they choose their own.
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Last, as django-axes requires: it turns a lock-out flagged during the login into its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "organizations.context_processors.user_scope",
            ],
        },
    },
    {
        # The dashboards' hot markup (widgets drawn in every row, whole table bodies, the filter
        # form's fields): Jinja2 compiles a template to Python, Django's engine walks nodes —
        # a national page draws hundreds of rows. Templates in ``templates/jinja2/``; the
        # Django templates call them through ``resolutions/templatetags/dashboard_html.py``.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "config.jinja_env.environment",
            "autoescape": True,
            "extensions": ["jinja2.ext.i18n"],
            "auto_reload": DEBUG,
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database ---------------------------------------------------------------------------
if EMBEDDED:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {"timeout": 20},
        }
    }
else:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…)")
    # ``QuerySet.iterator()`` (every form's choice list uses it) would open a server-side cursor:
    # three extra round trips per list for a few dozen rows. Nothing streams millions of rows
    # through the ORM here (the summaries are set-based SQL), and it keeps transaction pooling
    # (pgbouncer) possible.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    # The dashboards' hot reads (``resolutions.dashboards.sql._rows``) bind on the server, so psycopg
    # prepares them after a few runs on a connection and PostgreSQL stops planning them over
    # every period partition. They bound their periods by a range, so a generic plan prunes
    # the other partitions when it starts and loses nothing (left to choose, PostgreSQL kept
    # re-planning the trend read, ~1 ms a page). The ORM binds on the client and is never
    # prepared, so neither setting touches it. Off behind a pooler that cannot carry prepared
    # statements or startup options (pgbouncer before 1.21 in transaction mode; pgbouncer
    # refuses an ``options`` startup parameter unless told to ignore it).
    if env_bool("DB_PREPARED_STATEMENTS", True):
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["prepare_threshold"] = 5
        # Beside any libpq options the URL carries (``?options=-c search_path=…``).
        options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ----------------------------------------------------------------------
if REDIS_URL:
    # Keys carry the database's name: deployments, CI and a developer's server sharing one Redis
    # never read each other's cached data.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": str(DATABASES["default"].get("NAME") or "rtracker")}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_RESULT_BACKEND = "cache+memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Auth -------------------------------------------------------------------------------
# django-axes' backend first: it refuses a locked-out user name + address before any password
# is checked; ModelBackend then authenticates and answers permissions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Audit trail (django-auditlog) --------------------------------------------------------
# Every change to these models is kept with its actor (the request's user, or the named
# system actor of scheduled jobs), time, remote address and each changed field's value
# before and after (JSON). The table is append-only (a PostgreSQL trigger). Computed data
# (summaries, generated documents) is not audited: it is recomputed from what is.
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_ON_RAW_SAVE = True
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "organizations.Organization", "m2m_fields": {"successors"}, "exclude_fields": ["search_text"]},
    "organizations.Organ",
    "organizations.Term",
    {"model": "organizations.Reorganisation", "m2m_fields": {"sources", "targets"}},
    {"model": "organizations.Person", "exclude_fields": ["search_text"]},
    "organizations.Position",
    "organizations.Role",
    {"model": "auth.User", "exclude_fields": ["last_login"], "mask_fields": ["password"],
     "mask_callable": "config.audit.mask_secret", "m2m_fields": {"groups", "user_permissions"}},
    {"model": "accounts.Account", "exclude_fields": ["search_text"]},
    {"model": "resolutions.Directive", "m2m_fields": {"implements"}, "exclude_fields": ["search_text"]},
    {"model": "resolutions.DirectiveAlias", "exclude_fields": ["key"]},
    "resolutions.Target",
    "resolutions.Assignment",
    "resolutions.PeriodClose",
    {"model": "resolutions.RegistrationRequest", "exclude_fields": ["key"]},
    {"model": "meetings.Report", "exclude_fields": ["search_text"]},
    "meetings.Meeting",
    "meetings.MeetingParticipant",
    "meetings.ImplementationLink",
    "meetings.CitedSpan",
    "meetings.TargetContribution",
    "meetings.Attachment",
    # The schedules of the nightly jobs: switching off a period close is a change like any other.
    "django_celery_beat.PeriodicTask",
    "django_celery_beat.CrontabSchedule",
)

# Login throttling (django-axes, database handler: works embedded and in production, and the
# attempts are visible to operators in the admin). Counted per user name *and* address: a
# whole office behind one NAT address is not locked out by one colleague's typos, and
# guessing one account's password from one address stops after AXES_FAILURE_LIMIT tries.
# Failures are forgotten AXES_COOLOFF_TIME after the last one; a lock-out lasts as long, and
# every further attempt during it starts it again. A successful login clears the count.
AXES_ENABLED = True
AXES_VERBOSE = False  # no banner on every start and every management command
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "config.views.locked_out"
# The client's address as the lock-out counts it (config.middleware.client_address):
# REMOTE_ADDR, or behind PROXY_COUNT reverse proxies the address the outermost one saw.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "config.middleware.client_address"

# A session ends after SESSION_IDLE_MINUTES without a request (the session backend refuses it
# after SESSION_COOKIE_AGE; config.middleware.IdleSessionMiddleware pushes that expiry forward
# at most once every SESSION_IDLE_REFRESH seconds, so an active user's requests do not each
# write the session row), and SESSION_MAX_HOURS after the login whatever the activity.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_IDLE_REFRESH = min(300, SESSION_COOKIE_AGE // 4)
SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "10"))

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Static and uploaded files ----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments live outside static/ and are served only through a scoped view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served-directly/"
_MANIFEST = env_bool("STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if _MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG or EMBEDDED else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "theodoi-nghiquyet@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ---------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Sent by config.middleware.PrivateResponseMiddleware (Django has no setting for it).
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
# Everything the pages load comes from this site: no inline script or style (bars are width
# classes, chart data is json_script, htmx's own indicator style is off in base.html), no
# plugins, no framing, forms post only here. data: images are Bootstrap's inline SVG icons
# (select arrows, the menu button).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
CSRF_FAILURE_VIEW = "config.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)

# --- Product limits ---------------------------------------------------------------------
PAGE_SIZE = 25
# Attachments (.docx/.txt/.pdf) larger than this are refused with a message; the upload
# handler stops keeping a file as soon as it passes the limit, and reads no further than
# the first file of a request too large for any valid form (meetings/uploads.py).
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["meetings.uploads.LimitedUploadHandler"]
# What reading one uploaded .docx/.pdf may cost (meetings/extract/): checked before anything
# is inflated, then enforced on the child process that parses it.
ATTACHMENT_MAX_UNPACKED_BYTES = int(os.environ.get("ATTACHMENT_MAX_UNPACKED_BYTES", str(50 * 1024 * 1024)))
ATTACHMENT_MAX_DOCUMENT_XML_BYTES = int(os.environ.get("ATTACHMENT_MAX_DOCUMENT_XML_BYTES", str(20 * 1024 * 1024)))
ATTACHMENT_MAX_COMPRESSION_RATIO = int(os.environ.get("ATTACHMENT_MAX_COMPRESSION_RATIO", "100"))
ATTACHMENT_MAX_ZIP_ENTRIES = int(os.environ.get("ATTACHMENT_MAX_ZIP_ENTRIES", "1000"))
ATTACHMENT_MAX_PDF_PAGES = int(os.environ.get("ATTACHMENT_MAX_PDF_PAGES", "500"))
# At most 3 bytes a character, a report of this length still fits the edit form's
# DATA_UPLOAD_MAX_MEMORY_SIZE when it is sent back.
ATTACHMENT_MAX_TEXT_CHARS = int(os.environ.get("ATTACHMENT_MAX_TEXT_CHARS", "1000000"))
# The whole request must stay within 10 s: the child is killed at this wall-clock time,
# which leaves room for starting it and for the rest of the request.
EXTRACT_TIMEOUT_SECONDS = float(os.environ.get("EXTRACT_TIMEOUT_SECONDS", "8"))
EXTRACT_MEMORY_BYTES = int(os.environ.get("EXTRACT_MEMORY_BYTES", str(300 * 1024 * 1024)))
# Database sessions a whole-tree summary computation splits each period over (PostgreSQL;
# each takes a share of the directives). One per core of the database server; 1 = no split.
SUMMARY_BULK_SESSIONS = max(1, int(os.environ.get("SUMMARY_BULK_SESSIONS", "2")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
