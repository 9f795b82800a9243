"""Settings for Ouderportaal, read from the environment (see README, "Configuration")."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from ouderportaal.env import env_bool, env_int, env_list, env_str, mailer_from_url

PACKAGE_DIR = Path(__file__).resolve().parent
_checkout = PACKAGE_DIR.parent.parent
DATA_DIR = Path(
    env_str("DATA_DIR") or (_checkout / "var" if (_checkout / "pyproject.toml").exists() else "var")
).resolve()

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random "
            "string; only a DEBUG run generates a development key by itself."
        )
    # Development only: one random key, kept in the data directory across restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "ouderportaal.core",
    "ouderportaal.accounts",
    "ouderportaal.portal",
    "ouderportaal.backoffice",
    "ouderportaal.results",
    "ouderportaal.schoolcontrol",
    "ouderportaal.changerequests",
    "ouderportaal.helpdesk",
    "ouderportaal.imports",
    "ouderportaal.notifications",
    "ouderportaal.privacy",
    "django_tasks_db",
    "ouderportaal.accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ouderportaal.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "ouderportaal.core.uploads.UploadLimitMiddleware",  # before CSRF: that reads the form
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ouderportaal.accounts.middleware.LoginSessionMiddleware",
    "ouderportaal.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ouderportaal.notifications.middleware.MarkSeenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ouderportaal.urls"
CSRF_FAILURE_VIEW = "ouderportaal.core.errors.csrf_failure"
WSGI_APPLICATION = "ouderportaal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ouderportaal.core.context_processors.portal",
                "ouderportaal.core.context_processors.school_look",
            ],
        },
    }
]

# Database: SQLite in the data directory unless DATABASE_URL says otherwise.
# The per-process cache keeps each school's rules (core.schoolcache: three entries a
# school). Django's default holds 300 entries, which a board with more than a hundred
# schools would keep evicting and rebuilding; the entries are small.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
    # Children's rendered results pages (results/kept.py), in a cache on disk that every
    # worker process of the machine shares (diskcache: SQLite-indexed, safe between
    # processes, evicts the oldest pages when full), so a page built by one worker is
    # kept for all of them. Lost pages are only built again.
    "pages": {
        "BACKEND": "diskcache.DjangoCache",
        "LOCATION": env_str("PAGE_CACHE_DIR") or str(DATA_DIR / "page-cache"),
        "TIMEOUT": 3600,
        "SHARDS": 4,
        "OPTIONS": {"size_limit": env_int("PAGE_CACHE_MB", 512) * 2**20},
    },
}

# Connections stay open between requests (opening one costs more than a whole page) and
# are checked before their first use in a request, so a restarted server is no error.
_default_db = f"sqlite:///{DATA_DIR / 'ouderportaal.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 300),
        conn_health_checks=True,
    )
}
# DATABASE_URL points at a pooler in transaction mode (pgbouncer): each transaction may
# get another server connection, so nothing may outlive one: no server-side cursors, no
# prepared statements (docs/deploy.md).
if env_bool("DB_TRANSACTION_POOLER", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A connection of its own: the values travel apart from the statement and a
    # statement run five times on a connection is prepared, so PostgreSQL parses and
    # plans a page's queries once per connection instead of on every request (about
    # two thirds of its CPU per parent page; docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": 5}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue on busy_timeout instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = ["ouderportaal.accounts.backends.CaseSensitiveBackend"]

# argon2id at the OWASP minimum (m=19 MiB, t=2, p=1); PBKDF2 stays for old hashes.
PASSWORD_HASHERS = [
    "ouderportaal.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NIST SP 800-63B-4: length and a blocklist, no composition rules (docs/accounts.md).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "ouderportaal.accounts.validators.MinimumLengthValidator"},
    {"NAME": "ouderportaal.accounts.validators.BlocklistValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sessions end after SESSION_IDLE_MINUTES without a request, SESSION_MAX_HOURS after the
# login however busy, and at logout. Kept in the database, written once at a login.
SESSION_ENGINE = "ouderportaal.accounts.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
# Saved when changed, and at most once a minute to move the idle end ahead
# (accounts.middleware.LoginSessionMiddleware): reading pages writes nothing.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 1) * 3600
# How long a link to confirm a new recovery address works: asked for by the parent in
# their profile (hours), or started by the school's data (days: mail may wait unread).
RECOVERY_CONFIRM_HOURS = env_int("RECOVERY_CONFIRM_HOURS", 24)
RECOVERY_CONFIRM_SCHOOL_DAYS = env_int("RECOVERY_CONFIRM_SCHOOL_DAYS", 14)

# Privacy (privacy app): the access log of staff reads, the parent's export and what
# `apply-retention` keeps. A school's own terms (pupils, logs) are in its settings page.
PRIVACY_ACCESS_LOG = env_bool("PRIVACY_ACCESS_LOG", True)
PRIVACY_EXPORT_MINUTES = env_int("PRIVACY_EXPORT_MINUTES", 30)
PRIVACY_LOGIN_FAILURE_DAYS = env_int("PRIVACY_LOGIN_FAILURE_DAYS", 30)
PRIVACY_OUTBOX_DAYS = env_int("PRIVACY_OUTBOX_DAYS", 90)
PRIVACY_SUBMISSION_DAYS = env_int("PRIVACY_SUBMISSION_DAYS", 30)
# Staff must log in with a code from an authenticator app as well (TOTP).
STAFF_REQUIRE_TOTP = env_bool("STAFF_REQUIRE_TOTP", True)
# Django's admin at /django-admin/ (superusers, through the portal's login with a second
# factor); off unless asked for, so that production has one login door only.
DJANGO_ADMIN_ENABLED = env_bool("DJANGO_ADMIN_ENABLED", False)

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Amsterdam"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or DATA_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded documents in an S3-compatible store (needs `pip install django-storages[s3]`);
# the bucket stays private: the portal serves every file itself.
if env_str("S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY"),
            "secret_key": env_str("S3_SECRET_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Mail: EMAIL_URL, e.g. smtp://127.0.0.1:1025 or smtp+tls://user:pass@host:587.
# outbox:// keeps each mail as a file in DATA_DIR/outbox, readable at /account/demo-post/
# in a DEBUG run (the demo's mailbox).
_email_url = env_str("EMAIL_URL", "outbox://" if DEBUG else "smtp://127.0.0.1:25")
MAILERS = {
    "default": {"BACKEND": "ouderportaal.accounts.outbox.OutboxBackend"}
    if _email_url.startswith("outbox:")
    else mailer_from_url(_email_url)
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Ouderportaal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Mail that cannot be delivered (mail server down) is tried again, each wait twice as
# long as the one before (starting at MAIL_RETRY_SECONDS, at most an hour), until
# MAIL_MAX_ATTEMPTS attempts have been made; then it is marked failed.
MAIL_RETRY_SECONDS = env_int("MAIL_RETRY_SECONDS", 60)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 12)
if MAIL_RETRY_SECONDS < 1 or MAIL_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("MAIL_RETRY_SECONDS and MAIL_MAX_ATTEMPTS must be at least 1.")

# The portal's public address, for links in mail sent outside a request (cron jobs).
PORTAL_URL = env_str("PORTAL_URL", "http://127.0.0.1:8000" if DEBUG else "")

# Limits that protect the school and parents from floods.
CHANGE_REQUESTS_PER_DAY = env_int("CHANGE_REQUESTS_PER_DAY", 5)
HELPDESK_MAX_UPLOAD_MB = env_int("HELPDESK_MAX_UPLOAD_MB", 20)
IMPORT_MAX_UPLOAD_MB = env_int("IMPORT_MAX_UPLOAD_MB", 20)
# Uploads are refused by size before they are read (core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "ouderportaal.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# An EDEXML import that would mark more than this share of a school's pupils as left
# needs explicit confirmation (imports.safeguards).
IMPORT_MAX_LEAVERS_PERCENT = env_int("IMPORT_MAX_LEAVERS_PERCENT", 10)
HELPDESK_LOGIN_HELP_PER_ADDRESS = env_int("HELPDESK_LOGIN_HELP_PER_ADDRESS", 3)
HELPDESK_LOGIN_HELP_PER_IP = env_int("HELPDESK_LOGIN_HELP_PER_IP", 10)

# Background work: a database queue drained by `ouderportaal db_worker`.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security headers. Production runs behind TLS; DEBUG runs on plain http.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = False
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # HSTS preload is a decision for the operator.

# A strict Content Security Policy: only our own files, scripts only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
