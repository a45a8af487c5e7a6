"""Gonggu settings: one base with embedded defaults, switched by environment variables.

Production-safe by default: without ``DJANGO_DEV_MODE=1`` the process refuses to start unless
it has a real secret key, allowed hosts and all three service URLs, and runs with secure
cookies, HSTS and SSL redirect. Development mode is switched on explicitly (``make run`` and
``make test`` do): localhost hosts, plain cookies, a random secret kept in a file of this
checkout (never a secret published in the code), and the embedded backends unless service URLs
are set. ``DJANGO_DEBUG=True`` (Django's debug pages) is allowed in development mode only.

Embedded mode (no service URLs): SQLite, in-memory channel layer, local-memory cache, Celery
eager, in-process event bus. Services mode: set DATABASE_URL / REDIS_URL / RABBITMQ_URL.
"""

import logging
import os
import secrets
import tempfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEV_MODE = env.bool("DJANGO_DEV_MODE", default=False)
DEBUG = env.bool("DJANGO_DEBUG", default=False)


def _dev_secret_key(path: Path, make: Callable[[], str] = lambda: secrets.token_urlsafe(50)) -> str:
    """This checkout's development secret: random, made once, shared by every process started
    here (the web processes, the dispatcher and the test servers must sign alike). Created
    with a hard link so that two processes starting at once agree on one key."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    draft = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    draft.write_text(make())
    draft.chmod(0o600)
    try:
        os.link(draft, path)
    except FileExistsError:
        pass  # another process made it first: use theirs
    finally:
        draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY and DEV_MODE:
    SECRET_KEY = _dev_secret_key(
        Path(env.str("DJANGO_DEV_SECRET_FILE", default=str(BASE_DIR / ".dev-secret-key")))
    )
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEV_MODE else []
)

DATABASE_URL = env.str("DATABASE_URL", default="")
REDIS_URL = env.str("REDIS_URL", default="")
RABBITMQ_URL = env.str("RABBITMQ_URL", default="")

RUNTIME_MODE = "services" if (DATABASE_URL or REDIS_URL or RABBITMQ_URL) else "embedded"

# Secrets that were once published with this code: never accepted, in any mode.
PUBLISHED_SECRET_KEYS = {"gonggu-dev-insecure-secret-key-do-not-use-in-production"}


def _require_production_settings() -> None:
    problems = []
    if SECRET_KEY in PUBLISHED_SECRET_KEYS or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        problems.append("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters")
    if not ALLOWED_HOSTS:
        problems.append("DJANGO_ALLOWED_HOSTS must list the served host names")
    for name, value in (
        ("DATABASE_URL", DATABASE_URL),
        ("REDIS_URL", REDIS_URL),
        ("RABBITMQ_URL", RABBITMQ_URL),
    ):
        if not value:
            problems.append(f"{name} must point at a real server")
    if DEBUG:
        problems.append("DJANGO_DEBUG=True shows debug pages: development only (DJANGO_DEV_MODE=1)")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start in production mode: "
            + "; ".join(problems)
            + ". For development and tests set DJANGO_DEV_MODE=1 (make run and make test do)."
        )


if not DEV_MODE:
    _require_production_settings()
elif SECRET_KEY in PUBLISHED_SECRET_KEYS:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is a published key: choose a random one")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "csp",
    "channels",
    "django_celery_beat",
    "axes",
    "common",
    "accounts",
    "markets",
    "catalog",
    "parties",
    "chat",
    "notifications",
    "penalties",
    "comments",
    "settlements",
    "moderation",
    "webpush",
    "demo",
]

MIDDLEWARE = [
    # First: its response half runs last, when authentication (DRF's too) has run: binds the
    # user and party to the request's log context (common/access.py).
    "common.access.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages compressed (3-12 KiB less a page, Lighthouse; static files come precompressed
    # from WhiteNoise and pass through). Django pads gzip responses with random bytes
    # against BREACH, and the CSRF token is masked per request. The SSE streams are plain
    # ASGI apps ahead of Django: never buffered by this.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.security.ContentSecurityPolicyMiddleware",
    "common.error_pages.DomainErrorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = None
ASGI_APPLICATION = "config.asgi.application"

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
                "common.context_processors.gonggu",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
# The in-memory layer (embedded mode, one process). Each process's chat and notification hubs
# hold one channel each that carries every event of their kind: room for bursts (the default,
# 100, would drop them silently), and group membership that outlives a day (the default
# group expiry) since a hub's groups live as long as the process.
IN_MEMORY_CHANNEL_LAYER = {
    "BACKEND": "channels.layers.InMemoryChannelLayer",
    "CONFIG": {"capacity": 10_000, "group_expiry": 10 * 365 * 86400},
}

if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
        "DB_POOL", default=True
    ):
        # A psycopg connection pool per process: under ASGI, requests and consumers run in
        # varying threads, where persistent connections would pile up and per-request
        # connections cost a PostgreSQL backend start each time (~5 ms on every chat SEND).
        DATABASES["default"]["OPTIONS"] = {
            "pool": {
                "min_size": env.int("DB_POOL_MIN", default=1),
                "max_size": env.int("DB_POOL_MAX", default=10),
                "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
            }
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
            # Several requests write at once in the embedded server: wait instead of failing.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
            # A file, not memory, so server processes started by tests share the test data.
            # One file per test run, so two runs on one machine never share it.
            "TEST": {"NAME": str(Path(tempfile.gettempdir()) / f"gonggu-test-{os.getpid()}.db")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Covering-index INCLUDE columns are a PostgreSQL optimisation; SQLite ignores them harmlessly.
SILENCED_SYSTEM_CHECKS = [
    "models.W040",
    # axes' middleware only turns the lockout flag into a response; the login page and the
    # token API do that themselves (accounts/views.py, accounts/api.py), in Korean.
    "axes.W002",
]

# --- Cache, channel layer, Celery ---------------------------------------------------------
if REDIS_URL:
    CACHES = {
        "default": {
            # django-redis behind a circuit breaker (common/cache.py): a Redis that is down
            # or blackholed costs a request at most one of these timeouts.
            "BACKEND": "common.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
            # Isolates a deployment, or a test run, that shares the Redis server.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gonggu"),
        }
    }
    # CHANNEL_LAYER=pubsub (default): Redis Pub/Sub, fire-and-forget fan-out, no keys kept;
    # common.layer_redis adds interruption notices (a Redis blip makes clients catch up).
    # CHANNEL_LAYER=core: channels-redis' list/sorted-set layer, kept for comparison
    # (benchmarks/chat_load.py measures both). CHANNEL_LAYER=memory: the in-memory layer with
    # the other services real, for one process only (the benchmark's reference row: chat
    # with no layer hop). CHANNEL_LAYER_PREFIX isolates a deployment
    # (or a benchmark run) that shares the Redis server with others.
    CHANNEL_LAYER = env.str("CHANNEL_LAYER", default="pubsub")
    _channel_prefix = env.str("CHANNEL_LAYER_PREFIX", default="gonggu")
    if CHANNEL_LAYER == "pubsub":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "common.layer_redis.ObservedPubSubChannelLayer",
                "CONFIG": {"hosts": [REDIS_URL], "prefix": _channel_prefix},
            }
        }
    elif CHANNEL_LAYER == "core":
        CHANNEL_LAYERS = {
            "default": {
                "BACKEND": "channels_redis.core.RedisChannelLayer",
                "CONFIG": {
                    "hosts": [REDIS_URL],
                    "prefix": _channel_prefix,
                    # Messages queued per connection before the layer drops new ones: room
                    # for a long stall of a busy room (the default is 100).
                    "capacity": 1000,
                    # A chat message older than this is stale; the client reloads history
                    # on reconnect (the default is 60 s).
                    "expiry": 30,
                    # Group membership outlives a day-long WebSocket (the default, 86400 s).
                    "group_expiry": 86400,
                },
            }
        }
    elif CHANNEL_LAYER == "memory":
        CHANNEL_LAYERS = {"default": IN_MEMORY_CHANNEL_LAYER}
    else:
        raise ImproperlyConfigured(
            f"CHANNEL_LAYER must be 'pubsub', 'core' or 'memory', not {CHANNEL_LAYER!r}"
        )
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": IN_MEMORY_CHANNEL_LAYER}

# Domain events: "rabbitmq" (outbox relay + region queues + the dispatcher process) or
# "inprocess" (embedded: the web process dispatches right after commit).
NOTIFICATIONS_BUS = env.str(
    "NOTIFICATIONS_BUS", default="rabbitmq" if RABBITMQ_URL else "inprocess"
)
# Exchange and queue names start with this: deployments sharing a broker stay apart.
NOTIFICATIONS_PREFIX = env.str("NOTIFICATIONS_PREFIX", default="gonggu")
# Delete region queues unused this long (test runs); 0 keeps them (production).
NOTIFICATIONS_QUEUE_EXPIRES_MS = env.int("NOTIFICATIONS_QUEUE_EXPIRES_MS", default=0)
SSE_KEEPALIVE_SECONDS = env.float("SSE_KEEPALIVE_SECONDS", default=15.0)
SSE_RETRY_MS = env.int("SSE_RETRY_MS", default=3000)

CELERY_BROKER_URL = RABBITMQ_URL or "memory://"
# The task queue: deployments (or `make deploy-local` runs) sharing a broker each name their
# own, or one's worker runs the other's tasks against the wrong database.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = not RABBITMQ_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TIMEZONE = "Asia/Seoul"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE = {
    # Deadline passed: close with >= 2 members, else cancel. Every minute, so a party's
    # state is at most a minute behind its deadline (joins past it are refused at once).
    "parties-settle-overdue": {"task": "parties.settle_overdue", "schedule": 60.0},
    # An hour before a meeting (members) and after it (the leader's "who came?"); exactly
    # once by a constraint, so overlapping ticks or two beats are harmless.
    "parties-send-reminders": {"task": "parties.send_reminders", "schedule": 60.0},
    # Members still to pay a day after the bill (once, by a constraint); account details of
    # settlements completed 30 days ago erased (hourly is plenty).
    "settlements-send-reminders": {"task": "settlements.send_reminders", "schedule": 300.0},
    "settlements-erase-old-accounts": {
        "task": "settlements.erase_old_accounts",
        "schedule": 3600.0,
    },
    # When a resident's quiet hours end: one push saying how many notifications were held
    # (once per quiet period, by a constraint).
    "webpush-quiet-digests": {"task": "webpush.quiet_digests", "schedule": 300.0},
}
if NOTIFICATIONS_BUS == "inprocess":
    # No dispatcher process: reactions left pending by a web process that died between its
    # commit and running them (a room not opened, say) are run by this sweep.
    CELERY_BEAT_SCHEDULE["outbox-sweep"] = {
        "task": "notifications.dispatch_pending",
        "schedule": 10.0,
    }

# --- Auth ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# Failed logins (page and API) are limited per account and per client address by
# django-axes (accounts/login_limits.py): its backend refuses locked-out attempts before the
# password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"  # PostgreSQL: works without Redis
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one locks
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_USERNAME_CALLABLE = "accounts.login_limits.login_username"
AXES_CLIENT_IP_CALLABLE = "common.net.request_client_address"
AXES_DISABLE_ACCESS_LOG = True  # no row per successful login
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# --- I18n ---------------------------------------------------------------------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic writes and nginx serves /static/ from (deploy/nginx/gonggu.conf);
# `make deploy-local` and its test collect elsewhere so as not to mix with `make run`'s files.
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Front-end packages come from npm (package.json) and are served from node_modules: no CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/stompjs", BASE_DIR / "node_modules" / "@stomp" / "stompjs" / "bundles"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEV_MODE
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Development serves files straight from the source folders (no collectstatic needed).
WHITENOISE_USE_FINDERS = DEV_MODE

# --- Security -----------------------------------------------------------------------------
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEV_MODE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Cookies travel over HTTPS only. DJANGO_SECURE_COOKIES=0 exists for `make deploy-local`
    # alone: the production layout tried over plain HTTP on 127.0.0.1, where a client never
    # sends a Secure cookie back (nobody could log in). Refused for any other host.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    if not SESSION_COOKIE_SECURE and set(ALLOWED_HOSTS) - {"127.0.0.1", "localhost", "[::1]"}:
        raise ImproperlyConfigured(
            "DJANGO_SECURE_COOKIES=0 is for plain HTTP on this machine only (make deploy-local)"
        )
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Proxies in front of the app whose X-Forwarded-For / X-Forwarded-Proto are believed
# (``common.net``): how many (nginx alone: 1), or the networks they are in. Default: none, so
# the client is the connection's peer and a client cannot choose its own address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
TRUSTED_PROXY_CIDRS = env.list("TRUSTED_PROXY_CIDRS", default=[])
if TRUSTED_PROXY_COUNT and TRUSTED_PROXY_CIDRS:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_PROXY_CIDRS, not both")

# Map tiles, the one resource pages take from the internet: a Leaflet URL template, where
# ``{r}`` is "@2x" on a high-density screen. Default: CARTO's Voyager basemap (OpenStreetMap
# data), which has double-resolution tiles; OpenStreetMap's own server has 256 px tiles only,
# drawn blurred on a phone (device pixel ratio 1.75-3: Lighthouse's image-size-responsive
# audit failed on every map page). CARTO's free use is capped (75,000 map views a month):
# an operator above that sets the URL of a provider they have an agreement with, and names
# it in MAP_TILES_CREDIT_NAME/URL (OpenStreetMap is always credited for the data).
MAP_TILES_URL = env.str(
    "MAP_TILES_URL", default="https://basemaps.cartocdn.com/rastertiles/voyager/{z}/{x}/{y}{r}.png"
)
MAP_TILES_MAX_ZOOM = env.int("MAP_TILES_MAX_ZOOM", default=19)
MAP_TILES_CREDIT_NAME = env.str("MAP_TILES_CREDIT_NAME", default="CARTO")
MAP_TILES_CREDIT_URL = env.str("MAP_TILES_CREDIT_URL", default="https://carto.com/attributions")
if "{z}" not in MAP_TILES_URL or "{x}" not in MAP_TILES_URL or "{y}" not in MAP_TILES_URL:
    raise ImproperlyConfigured("MAP_TILES_URL must hold {z}, {x} and {y}")
# The tiles' origin, for the CSP and the pages' preconnect ("{s}" subdomains: any of them).
MAP_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MAP_TILES_URL)).replace("{s}", "*")

# Content-Security-Policy on every page (django-csp; common/security.py adds this request's
# WebSocket origin to connect-src). Scripts, styles and fonts from this site only: no inline
# script anywhere (data reaches scripts as json_script islands and data-* attributes); map
# tiles from MAP_TILE_ORIGIN; connections to this site only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", MAP_TILE_ORIGIN],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# CORS: explicit origins only; credentials allowed only for those origins, never for "*".
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/.*$"

# --- DRF, JWT, OpenAPI --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "common.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "common.api.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=30)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=14)),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "UPDATE_LAST_LOGIN": True,
    # Refresh tokens are single-use: each refresh returns a new one and revokes the one used
    # (accounts.services.auth_token_refresh), so a leaked token stops working once either
    # side uses it; logout and a password change revoke them outright.
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gonggu API",
    "DESCRIPTION": "공구: split bulk buys at nearby marts. JSON API for mobile and partners.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "common.api_schema.add_common_responses",
    ],
}

# --- Health and metrics (common/views.py, common/readiness.py, common/metrics.py) -------
# /readyz: each service check's client timeout (connect and answer), in seconds.
READYZ_TIMEOUT_SECONDS = env.float("READYZ_TIMEOUT_SECONDS", default=1.0)
# /metrics: off (404) unless set; then scrapers send "Authorization: Bearer <token>".
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured("METRICS_TOKEN must be a random value of at least 32 characters")
# Several processes on one machine share their metrics through files in this directory
# (prometheus_client's multi-process mode; read from the environment by common.metrics).
# It must be emptied when the deployment starts, before any process runs.
PROMETHEUS_MULTIPROC_DIR = env.str("PROMETHEUS_MULTIPROC_DIR", default="")
# Probes and scrapers on the machine ask a web process over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]

# --- External data ------------------------------------------------------------------------
KAKAO_REST_API_KEY = env.str("KAKAO_REST_API_KEY", default="")
KAKAO_LOCAL_URL = env.str("KAKAO_LOCAL_URL", default="https://dapi.kakao.com")
GEOCODER_TIMEOUT_SECONDS = env.float("GEOCODER_TIMEOUT_SECONDS", default=3.0)
# Catalog import: per-call timeout, retries (5xx, 429, connection errors) and page workers.
CATALOG_IMPORT_TIMEOUT_SECONDS = env.float("CATALOG_IMPORT_TIMEOUT_SECONDS", default=10.0)
CATALOG_IMPORT_RETRIES = env.int("CATALOG_IMPORT_RETRIES", default=3)
CATALOG_IMPORT_WORKERS = env.int("CATALOG_IMPORT_WORKERS", default=8)
MAFRA_API_KEY = env.str("MAFRA_API_KEY", default="sample")
MAFRA_API_URL = env.str("MAFRA_API_URL", default="http://211.237.50.150:7080/openapi")
FOODSAFETY_API_KEY = env.str("FOODSAFETY_API_KEY", default="sample")
FOODSAFETY_API_URL = env.str(
    "FOODSAFETY_API_URL", default="http://openapi.foodsafetykorea.go.kr/api"
)

# --- Web Push -----------------------------------------------------------------------------
# VAPID (RFC 8292): the private key as base64url (the raw 32-byte P-256 scalar, as
# `npx web-push generate-vapid-keys` prints it, or DER), the public key as base64url (the
# uncompressed point; derived from the private key when empty) and the contact the push
# services may write to (mailto: or https:). Push is off without a private key and a
# subject: the inbox and the live stream still carry every notification. Development mode
# makes a keypair once per checkout (.dev-vapid-key, like the secret above) so that
# `make run` can subscribe a browser; WEBPUSH_DEV_KEY=0 turns that off.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="")


def _new_vapid_private_key() -> str:
    # Only here: a fresh development keypair; the webpush app reads keys through py_vapid.
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    scalar = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    return base64.urlsafe_b64encode(scalar.to_bytes(32, "big")).rstrip(b"=").decode()


if DEV_MODE and not VAPID_PRIVATE_KEY and env.bool("WEBPUSH_DEV_KEY", default=True):
    VAPID_PRIVATE_KEY = _dev_secret_key(BASE_DIR / ".dev-vapid-key", _new_vapid_private_key)
    VAPID_PUBLIC_KEY = ""  # derived from the private key
    VAPID_SUBJECT = VAPID_SUBJECT or "mailto:dev@localhost"
# How long a push service keeps a push for a device that is offline, and per-call timeout.
WEBPUSH_TTL_SECONDS = env.int("WEBPUSH_TTL_SECONDS", default=12 * 60 * 60)
WEBPUSH_TIMEOUT_SECONDS = env.float("WEBPUSH_TIMEOUT_SECONDS", default=10.0)
# Subscription endpoints must be https; development and tests also accept
# http://127.0.0.1 and http://localhost (a local fake push service).
WEBPUSH_ALLOW_LOOPBACK_HTTP = DEV_MODE

# --- Domain settings ----------------------------------------------------------------------
# Per-connection limits of the STOMP chat endpoint (/ws).
CHAT_LIMITS = {
    "max_frame_bytes": env.int("CHAT_MAX_FRAME_BYTES", default=16 * 1024),
    "messages_per_second": env.float("CHAT_MESSAGES_PER_SECOND", default=5.0),
    "message_burst": env.int("CHAT_MESSAGE_BURST", default=10),
    "frames_per_second": env.float("CHAT_FRAMES_PER_SECOND", default=50.0),
    "frame_burst": env.int("CHAT_FRAME_BURST", default=100),
    "heartbeat_ms": env.int("CHAT_HEARTBEAT_MS", default=10_000),
    # One subscription per destination and this many in all: a connection cannot turn one
    # message into a thousand frames.
    "max_subscriptions": env.int("CHAT_MAX_SUBSCRIPTIONS", default=20),
    # Output the server holds for a client that does not read: past this, ERROR
    # "slow consumer" and close (the client reconnects and fills the gap from history).
    "max_pending_output_bytes": env.int("CHAT_MAX_PENDING_OUTPUT_BYTES", default=256 * 1024),
}
PENALTY_BLOCK_THRESHOLD = env.int("PENALTY_BLOCK_THRESHOLD", default=3)
# Signup attempts (page and API) per client address per hour: enough for a family behind
# one router, too few to probe which emails are registered.
SIGNUP_ATTEMPTS_PER_HOUR = env.int("SIGNUP_ATTEMPTS_PER_HOUR", default=20)
# Questions and replies on parties (page and API) per user per window: a conversation's
# pace, not a flood.
COMMENT_RATE_LIMIT = env.int("COMMENT_RATE_LIMIT", default=10)
COMMENT_RATE_WINDOW_SECONDS = env.int("COMMENT_RATE_WINDOW_SECONDS", default=60)
# Reports a resident may file an hour (moderation.services.report_create).
REPORTS_PER_HOUR = env.int("REPORTS_PER_HOUR", default=20)

# --- Logging ------------------------------------------------------------------------------
# LOG_FORMAT=json (the default in production): one JSON object a line (timestamp, level,
# logger, message, request_id, user_id, party_id where known, extra fields); plain in
# development and tests. Every line goes through the context filter and the redaction filter
# (common/logs.py: tokens, passwords, API keys never reach a log). One access line per
# request from common/access.py (gonggu.access), one per STOMP session (gonggu.chat).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEV_MODE else "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be 'json' or 'plain', not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "context": {"()": "common.logs.ContextFilter"},
        "redact": {"()": "common.logs.RedactingFilter"},
    },
    "formatters": {
        "plain": {"()": "common.logs.PlainFormatter"},
        "json": {"()": "common.logs.json_formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context", "redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Access lines stay on when LOG_LEVEL is raised (WARNING keeps them, quiets the rest).
        "gonggu.access": {"level": "INFO"},
        "gonggu.chat": {"level": "INFO"},
        # 4xx are in the access line already ("Not Found: ..." again would be a duplicate);
        # 5xx stay: they carry the traceback, and the request_id ties them to the access line.
        "django.request": {"level": "ERROR"},
        "django.db.backends": {"level": "WARNING"},
        # urllib3's debug lines hold request URLs (the public-data APIs' key is in the path).
        "urllib3": {"level": "WARNING"},
        # pika logs every connection step at INFO; the relay logs what matters.
        "pika": {"level": "WARNING"},
        # axes logs every failed login at INFO and WARNING; lockouts are what matters.
        "axes": {"level": "ERROR"},
    },
}
# Python's warnings (a library's UserWarning) go through the same handler: printed raw to
# stderr they were the one line of a JSON log that was not JSON.
logging.captureWarnings(LOG_FORMAT == "json")
# Celery's worker would replace the handler above with its own (no JSON, no filters).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Error reporting (Sentry) -------------------------------------------------------------
# Off unless SENTRY_DSN is set. No personal data sent; every event goes through the same
# redaction as the logs (common/sentry.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from common.sentry import init_sentry

    init_sentry(
        dsn=SENTRY_DSN,
        environment=env.str(
            "SENTRY_ENVIRONMENT", default="development" if DEV_MODE else "production"
        ),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
