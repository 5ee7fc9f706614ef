"""Django settings, read only from the environment (see ``.env.example``).

Nothing secret lives here. ``DEBUG`` is off unless ``DEBUG=1`` (the demo runs with it off
too, with a key of its own in ``var/``). Without ``DATABASE_URL`` the site uses SQLite at
``var/kaohe.sqlite3``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from kaohe.config.env import (
    database_from_url,
    envbool,
    envint,
    envlist,
    envstr,
    project_dir,
    var_dir,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# In a source checkout var/ sits beside pyproject.toml; an installed package uses the cwd.
PROJECT_DIR = project_dir()
VAR_DIR = var_dir()

DEBUG = envbool("DEBUG", False)
# pytest (>= 8.2) sets PYTEST_VERSION for the whole session.
TESTING = "PYTEST_VERSION" in os.environ
# mypy's Django plugin imports these settings to learn the models; it runs no site.
TYPE_CHECKING_RUN = "mypy" in sys.modules

SECRET_KEY = envstr("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING or TYPE_CHECKING_RUN:
        SECRET_KEY = "django-insecure-dev-only-never-use-this-key-in-production"
    else:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # WhiteNoise serves the static files, also under runserver (before staticfiles).
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "kaohe.core",
    "kaohe.orgs",
    "kaohe.schemes",
    "kaohe.collection",
    "kaohe.ballots",
    "kaohe.results",
    "kaohe.demo",
    "kaohe.api",
    "kaohe.home",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "django_filters",
]

# The header middleware stand before WhiteNoise, so static files get the headers too.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kaohe.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "kaohe.config.urls"
WSGI_APPLICATION = "kaohe.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaohe.core.context_processors.navigation",
            ],
        },
    }
]

DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    # Persistent connections in production; none in tests, where the live server's
    # request threads would otherwise keep the test database open at teardown.
    DATABASES = {
        "default": database_from_url(
            DATABASE_URL,
            base_dir=PROJECT_DIR,
            conn_max_age=0 if TESTING else envint("DB_CONN_MAX_AGE", 60),
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "kaohe.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time, readers never blocked: write-ahead log, a writer that waits
    # (up to SQLITE_TIMEOUT seconds) for the write lock instead of failing with "database
    # is locked", and every transaction taking that lock at BEGIN (IMMEDIATE), so a
    # transaction that read first cannot fail half-way when it starts to write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_TIMEOUT", 30),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "core:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # zxcvbn's estimate, 0-4 (3: at least about 10^8 guesses), with the reason in Chinese.
    {
        "NAME": "kaohe.core.passwords.StrengthValidator",
        "OPTIONS": {"min_score": envint("PASSWORD_MIN_STRENGTH", 3)},
    },
]

# Lockout (counted in the database, so it holds across processes; the reasoning is in
# kaohe.core.services): LOGIN_MAX_FAILURES failed logins in a row for one username from
# one address lock that username at that address for LOGIN_LOCK_MINUTES;
# LOGIN_MAX_ADDRESS_FAILURES failures from one address, each within LOGIN_LOCK_MINUTES of
# the last, lock the address. Behind a reverse proxy LOGIN_ADDRESS_HEADER names the header
# where the proxy puts the client's address (e.g. X-Forwarded-For: its last entry counts);
# left empty, REMOTE_ADDR counts.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_ADDRESS_FAILURES = envint("LOGIN_MAX_ADDRESS_FAILURES", 30)
LOGIN_LOCK_MINUTES = envint("LOGIN_LOCK_MINUTES", 15)
LOGIN_ADDRESS_HEADER = envstr("LOGIN_ADDRESS_HEADER")

# Sessions and CSRF: cookies are Secure unless DEBUG (or set otherwise behind TLS).
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_FAILURE_VIEW = "kaohe.core.handlers.csrf_failure"

# Headers on every response (kaohe.core.middleware adds Permissions-Policy and no-store).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# Sent only on https requests (SecurityMiddleware); 0 turns it off.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
if envbool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
# Content security policy (django-csp): every script and style is a file the app serves;
# no inline script, no inline style, no eval (htmx is told so by its meta tag), and Swagger
# UI's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
USE_I18N = True
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

STATIC_URL = "static/"
# Tests read the apps' folders (finders): no collected copy, and no warning about its absence.
STATIC_ROOT = None if TESTING else VAR_DIR / "static"
# WhiteNoise serves the app's own (vendored) assets from STATIC_ROOT: run
# `kaohe manage collectstatic` after each install (the demo does it itself). Names carry a
# content hash and are compressed; tests and DEBUG read the apps' static folders directly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

CELERY_BROKER_URL = envstr("CELERY_BROKER_URL")
CELERY_RESULT_BACKEND = envstr("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The cache, shared by the web processes and the Celery workers where there is Redis (a
# forms batch's progress, written by the worker, read by the page; a what-if's graded
# result, read by every web worker): CACHE_URL, by default the broker's Redis. Without
# Redis (the embedded default, jobs in a thread of the web process) each process keeps
# its own.
CACHE_URL = envstr("CACHE_URL") or (
    CELERY_BROKER_URL if CELERY_BROKER_URL.startswith(("redis://", "rediss://")) else ""
)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "kaohe",
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
CELERY_TASK_EAGER_PROPAGATES = True
# Without a broker a job runs in a thread of the web process, outside the request that
# submitted it (see kaohe.core.tasks); the tests run it at once unless a test says so.
JOBS_THREAD = envbool("JOBS_THREAD", not TESTING)
CELERY_TIMEZONE = TIME_ZONE
# The periodic tasks (run by `celery -A kaohe.config.celery beat`): every morning the
# reminders before deadlines and the late notices (kaohe.collection.reminders).
CELERY_BEAT_SCHEDULE = {
    "reminders-daily": {
        "task": "kaohe.collection.tasks.reminders_send_daily",
        "schedule": crontab(hour=envint("REMINDER_HOUR", 7), minute=30),
    },
    # Late rectification tasks escalated (kaohe.collection.rectification), before the reminders.
    "rectifications-escalate-daily": {
        "task": "collection.rectifications_escalate",
        "schedule": crontab(hour=envint("REMINDER_HOUR", 7), minute=15),
    },
    # Live democratic evaluations closed at their closing time, sheets shuffled out of the
    # holding table (kaohe.ballots.tasks), every few minutes.
    "ballot-sessions-close": {
        "task": "kaohe.ballots.tasks.sessions_close_due",
        "schedule": envint("BALLOT_CLOSE_EVERY_SECONDS", 120),
    },
}

# E-mail (reminders and late notices): the console backend prints them unless EMAIL_BACKEND
# names another (django.core.mail.backends.smtp.EmailBackend with the EMAIL_* settings).
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "kaohe@localhost")
# A reminder goes out this many days before a to-do's deadline (and a notice once it is late).
REMINDER_DAYS_BEFORE = envint("REMINDER_DAYS_BEFORE", 3)
# The site's address, for the links in e-mails (e.g. https://kaohe.example.gov.cn); empty:
# the mails give the paths only.
SITE_URL = envstr("SITE_URL")

PAGE_SIZE = envint("PAGE_SIZE", 50)

# Democratic evaluation: no result is shown for a target with fewer valid sheets, nor per
# rater class unless every class that marked it has at least as many (a small class
# cannot be unmasked).
BALLOT_MIN_SHEETS = envint("BALLOT_MIN_SHEETS", 5)

# Excel uploads (kaohe.core.xlsx): the largest file, and the most data rows a sheet may hold.
UPLOAD_MAX_MB = envint("UPLOAD_MAX_MB", 20)
# Evidence (reports' attachments, deductions' proof, rectification feedback): stored outside
# the web root under random names, served only through a view that checks the reader.
EVIDENCE_ROOT = Path(envstr("EVIDENCE_ROOT", str(VAR_DIR / "evidence")))
EVIDENCE_MAX_MB = envint("EVIDENCE_MAX_MB", 20)
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", 100_000)

# The JSON API (kaohe.api): token or session, the roles table, JSON only, paged lists.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "kaohe.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["kaohe.api.permissions.RoleAllows"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "kaohe.api.pagination.Pages",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kaohe.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kaohe API",
    "DESCRIPTION": "考核管理系统数据接口：单位、领导班子、干部（含任职、挂职、驻村、立案审查）、考核年度、单位类别的读写，"
    "考核方案和指标体系的读取。权限与网页相同。",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    # The schema, as its documentation page, only for signed-in users (token or session).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Shown in the page header; empty: the translated default name.
SITE_TITLE = envstr("SITE_TITLE")
