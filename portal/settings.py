"""The one settings file. Everything that differs between machines comes from the environment.

Every variable is documented in `.env.example`. Bad values fail at start-up with a message naming
the variable, rather than later in a request.
"""

import os
import secrets
import sys
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true/false (1/0), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
TESTING = "PYTEST_VERSION" in os.environ

# Commands that never sign anything may run without a key (CI's makemigrations --check, say).
KEYLESS_COMMANDS = {"makemigrations", "check", "collectstatic", "compilemessages", "showmigrations"}

SECRET_KEY = env_str("SECRET_KEY")
# --- prod: production refuses to start without its essentials --------------------------------
# Each missing variable gets its own sentence naming it, so an operator fixes all in one go.
# Commands that never serve a request nor send mail (CI's makemigrations --check, collectstatic in
# a build step) run without them.
REQUIRE_PRODUCTION_SETTINGS = (
    not DEBUG and not TESTING and not (sys.argv[1:2] and sys.argv[1] in KEYLESS_COMMANDS)
)
MISSING_SETTINGS: list[str] = []
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    elif not REQUIRE_PRODUCTION_SETTINGS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        MISSING_SETTINGS.append(
            "SECRET_KEY is required when DEBUG is off: a long random string "
            '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG or TESTING else [])
if REQUIRE_PRODUCTION_SETTINGS and not ALLOWED_HOSTS:
    MISSING_SETTINGS.append(
        "ALLOWED_HOSTS is required when DEBUG is off: the host names the portal answers to, "
        "comma-separated (danhgia.stttt.dongnai.gov.vn)."
    )
# --- end prod -----------------------------------------------------------------------------------
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",  # prod: login lockout (django-axes)
    "portal",
    "assessments",
]

MIDDLEWARE = [
    # prod: request id, user id and duration on one JSON log line per request.
    "portal.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # prod: HEAD is answered wherever GET is, whatever decorator the view uses.
    "portal.middleware.HeadAsGetMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # prod: a body over the upload limit is refused before a byte of it is read.
    "portal.middleware.UploadLimitMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # prod: authenticated pages and private files are never kept by a browser or proxy.
    "portal.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # prod: django-axes turns a locked-out login into its lockout page; it must come last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
# --- prod: SQLite writers wait for each other ------------------------------------------------
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Autosave writes often. A deferred transaction that reads and then writes cannot wait for the
    # lock (SQLite answers "database is locked" at once, whatever the timeout), so transactions
    # take the write lock when they begin and wait up to `timeout` seconds for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": env_int("SQLITE_TIMEOUT", 20), "transaction_mode": "IMMEDIATE"}
    )
# --- end prod -----------------------------------------------------------------------------------

# Persistent database connections (issue 13, owned by perf): a new PostgreSQL connection per
# request made every autosave pay for a connect; by default a server keeps each worker's
# connection for 60 s, checked before reuse. DATABASE_CONN_MAX_AGE=0 turns it off; SQLite keeps
# the per-request connection. Under the test runner the default stays 0: each request thread
# of the browser tests' live server would keep its own connection open after the test, and the
# test database could not be dropped at the end ("being accessed by other users").
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 0 if TESTING else 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "assessments.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- prod: login protection and passwords ------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user name + address before the password is even checked.
    "portal.auth_events.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five wrong passwords for one user name from one address within 15 minutes lock that pair for
# 15 minutes. Per pair rather than per user name alone, so nobody can lock a colleague out from
# elsewhere; the administrator unlocks at Quản trị › Access attempts or with
# `python manage.py axes_reset_username USERNAME`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "portal.auth_events.lockout_response"
AXES_CLIENT_IP_CALLABLE = "portal.auth_events.client_ip"
AXES_VERBOSE = False  # the portal writes its own JSON log line for each login event
# Behind the nginx of deploy/, REMOTE_ADDR is the proxy; it passes the client's address in
# X-Real-IP. Trust that header only when told the portal sits behind such a proxy.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", default=False)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "portal.passwords.MinimumLengthValidator"},
    {"NAME": "portal.passwords.CommonPasswordValidator"},
    {"NAME": "portal.passwords.NumericPasswordValidator"},
]
# --- end prod -----------------------------------------------------------------------------------

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["portal.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploaded evidence is never served as static media: only through a view that checks permissions.
MEDIA_URL = "/khong-phuc-vu/"  # placeholder: FileField.url is never used for evidence
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and not TESTING
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Evidence uploads (issue: self-assessment). 20 MB by default, configurable.
EVIDENCE_MAX_UPLOAD_MB = env_int("EVIDENCE_MAX_UPLOAD_MB", 20)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640
# --- prod: request bodies are bounded before they are read --------------------------------------
# The largest body the portal reads: one evidence file plus room for the form around it. Larger
# requests answer 413 before a byte is read (portal.middleware.UploadLimitMiddleware); the upload
# handler stops a single file at the same limit while it streams. nginx's client_max_body_size
# (deploy/nginx.conf) should be the same figure.
MAX_REQUEST_BODY_BYTES = (EVIDENCE_MAX_UPLOAD_MB + 1) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default: larger files go to a temporary file
FILE_UPLOAD_HANDLERS = [
    "portal.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# --- end prod -----------------------------------------------------------------------------------

# --- prod: e-mail backend and SITE_URL must be chosen in production ------------------------------
# Short names for the backends an operator picks; a dotted path is accepted as well. The console
# backend prints one-time password links into the server log, so production uses it only when
# EMAIL_BACKEND=console says so explicitly.
EMAIL_BACKEND_ALIASES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND")
if _email_backend is None:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    if REQUIRE_PRODUCTION_SETTINGS:
        MISSING_SETTINGS.append(
            "EMAIL_BACKEND is required when DEBUG is off: EMAIL_BACKEND=smtp (with EMAIL_HOST, "
            "EMAIL_PORT…) to send mail, or EMAIL_BACKEND=console to print it to the log on purpose."
        )
else:
    EMAIL_BACKEND = EMAIL_BACKEND_ALIASES.get(_email_backend.strip().lower(), _email_backend)
    if "." not in EMAIL_BACKEND:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND must be smtp, console or a dotted path, got {_email_backend!r}"
        )

SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG or TESTING else None)
if SITE_URL is None:
    SITE_URL = ""
    if REQUIRE_PRODUCTION_SETTINGS:
        MISSING_SETTINGS.append(
            "SITE_URL is required when DEBUG is off: the portal's public address used in e-mail "
            "links (https://danhgia.stttt.dongnai.gov.vn)."
        )
elif not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https:// or http://, got {SITE_URL!r}")
SITE_URL = SITE_URL.rstrip("/")

if MISSING_SETTINGS:
    raise ImproperlyConfigured(
        "The portal cannot start with DEBUG off:\n- "
        + "\n- ".join(MISSING_SETTINGS)
        + "\nSee .env.example and the README's production section (make run sets DEBUG=1)."
    )
# --- end prod -----------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Cổng đánh giá <noreply@stttt.dongnai.gov.vn>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Scale of the 2022 evaluation score (Công văn 2083: thresholds 2.5 / 1.5 / 0.5 on a 0–3 scale);
# every period now carries its own scale and bands.
SCORE_SCALE_MAX = Decimal("3.00")

# What every page names: the portal, who runs it and whom to ask for help. No department is
# named here: each program names its evaluating agency (assessments.models.Program).
PORTAL_NAME = env_str("PORTAL_NAME", "Cổng đánh giá, xếp hạng các cơ quan, đơn vị")
PORTAL_OWNER = env_str("PORTAL_OWNER", "UBND tỉnh Đồng Nai")
PORTAL_SUPPORT = env_str("PORTAL_SUPPORT", "bộ phận quản trị cổng đánh giá")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not TESTING)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not TESTING)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not TESTING)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if TESTING else 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # prod: a local health probe (curl http://127.0.0.1:8001/healthz) is not redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- prod: structured logs -----------------------------------------------------------------------
# One JSON object per line on stderr (journald keeps it): time, level, logger, message, and the
# request id, user id and duration where there is a request. LOG_FORMAT=text for people.
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "portal.logging.RequestContextFilter"}},
    "formatters": {
        "json": {"()": "portal.logging.JsonFormatter"},
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # The portal's own lines (requests, logins, mail, jobs) are what an operator reads.
    "loggers": {
        "portal": {"level": env_str("PORTAL_LOG_LEVEL", "INFO")},
        "assessments": {"level": env_str("PORTAL_LOG_LEVEL", "INFO")},
        # Django logs every 4xx/5xx again at WARNING; the request line already says it.
        "django.request": {"level": "ERROR"},
        # pypdf, joining the parts of a long report, warns of each part's trailer size
        # (“Object count … exceeds defined trailer size”): harmless, and once per report.
        "pypdf": {"level": "ERROR"},
    },
}
# --- end prod -----------------------------------------------------------------------------------

# --- prod: Content-Security-Policy (django-csp) -------------------------------------------------
# No inline script or style anywhere: scripts are static files, confirmations are data-confirm
# attributes handled in static/js/portal.js. Bootstrap draws some icons as data: SVG images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The 500 page links no stylesheet (static files may be what failed); its one <style>
        # block is allowed by its hash (tests/portal/test_hardening.py recomputes it).
        "style-src": ["'self'", "'sha256-MS7VcCgzGPgnfaPm+niSp7aM1NNgPw8Vn/4cSfE4gRg='"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# --- end prod -----------------------------------------------------------------------------------

# Serve static files from the app folders (no collectstatic) during development and tests.
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
WHITENOISE_USE_FINDERS = DEBUG or TESTING
# The Liberation Serif fonts are read from static/fonts by WeasyPrint on the server; no page links
# them, so a compressed copy is never sent. Brotli on the four 380 KB files was 7 of
# collectstatic's 11 s (each is compressed twice: as named and as hashed).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf")

if TESTING:
    # Hashing strength is not under test; the default costs ~0.3 s per login.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# --- Background jobs, shared storage and cache (issue 11, several app servers) -----------------
# Kept as one block so the production-settings block above can change without touching it.
INSTALLED_APPS += ["django_tasks", "django_tasks_db"]

# Jobs (e-mail, reminders, period-wide exports) go through django-tasks. The database backend
# keeps them in PostgreSQL, where every app server enqueues and `manage.py db_worker` runs them.
# TASKS_BACKEND=immediate runs a job inside the request instead (tests, a one-off shell).
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if TESTING else "database")
if TASKS_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be database or immediate, got {TASKS_BACKEND!r}"
    )
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}

# E-mail outbox: attempts and the wait after each failed one (seconds): 1 min, 5 min, 30 min,
# 2 h; after the last failure the message is listed for the administrator.
try:
    OUTBOX_RETRY_DELAYS = [
        int(part) for part in env_list("OUTBOX_RETRY_DELAYS", ["60", "300", "1800", "7200"])
    ]
except ValueError:
    raise ImproperlyConfigured(
        "OUTBOX_RETRY_DELAYS must be seconds separated by commas, for example 60,300,1800,7200"
    ) from None
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Uploaded evidence and issued documents on S3-compatible object storage when STORAGE_S3_BUCKET
# is set (needed as soon as a second app server runs); the filesystem (MEDIA_ROOT) otherwise.
STORAGE_S3_BUCKET = env_str("STORAGE_S3_BUCKET")
if STORAGE_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STORAGE_S3_BUCKET,
            "endpoint_url": env_str("STORAGE_S3_ENDPOINT_URL"),
            "region_name": env_str("STORAGE_S3_REGION", "us-east-1"),
            "access_key": env_str("STORAGE_S3_ACCESS_KEY"),
            "secret_key": env_str("STORAGE_S3_SECRET_KEY"),
            "location": env_str("STORAGE_S3_PREFIX", ""),
            # Files are private: the portal reads them and serves them after its own checks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# A shared cache (lockouts, rate limits) when several app servers run: REDIS_URL, for example
# redis://127.0.0.1:6379/0. Each process keeps its own memory cache otherwise.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "cong-danh-gia"),
        }
    }
    # Sessions read from the shared cache first (one query less per request); written through
    # to the database, so a restart of Redis logs nobody out, and a logout on one app server
    # holds on every other.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
