"""Settings for the service desk, read from the environment (12-factor).

Every value a deployment changes is an environment variable; the table in README.md lists them.
Nothing here is a business number: those live in policy rows the store edits in the admin.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The development key exists for DEBUG only. With DEBUG off and SECRET_KEY unset the key stays empty:
# Django refuses every use of it, and servicedesk/wsgi.py and asgi.py refuse to start the site at all
# (issue 9) instead of signing sessions with a key that is public. servicedesk.checks also fails
# `check --deploy` on the development key.
DEV_SECRET_KEY = "django-insecure-service-desk-development-key-change-me"
SECRET_KEY = os.environ.get("SECRET_KEY") or (DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The apps of the desk, in the order their demo data loads and their tiles show.
DESK_APPS = [
    "servicedesk",
    "receipts",
    "members",
    "complaints",
    "returns",
    "gifts",
    "invoices",
    "broadcast",
    "desk",
    "finance",
]

INSTALLED_APPS = [
    "servicedesk.apps.DeskAdminConfig",  # the Django admin, as the desk's one site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "import_export",
    "simple_history",
    "servicedesk.apps.DeskAxesConfig",  # django-axes, with a name in words
    "csp",
    *DESK_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servicedesk.middleware.LeanRoutesMiddleware",  # the till feed's lean path (issue 16): sets its own CSP
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "servicedesk.middleware.StoreLanguageMiddleware",
    # NUL in path/query → 400, API JSON bodies decoded once (too deep / NUL → 400), oversized → 413
    "servicedesk.middleware.RequestEdgeMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "servicedesk.middleware.LoginRequiredEverywhereMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servicedesk.urls"
WSGI_APPLICATION = "servicedesk.wsgi.application"
ASGI_APPLICATION = "servicedesk.asgi.application"

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
            ],
        },
    },
]

# Database: DATABASE_URL, default a SQLite file in the project (zero setup).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when worker and web write together.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# Concurrent test runs on one PostgreSQL server each need their own test database.
if os.environ.get("TEST_DB_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling (django-axes): lock a username+IP after repeated failures, and an IP after
# AXES_IP_FAILURE_LIMIT failures across any usernames (password spraying); servicedesk/security.py.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_IP_FAILURE_LIMIT = int(os.environ.get("AXES_IP_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "servicedesk.security.DeskAxesHandler"
AXES_RESET_ON_SUCCESS = True

# Language and time: the store works in Simplified Chinese, in Asia/Shanghai; English is offered.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "zh-hans")
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Security: HTTPS-only cookies and HSTS whenever HTTPS is on (default: when not DEBUG).
HTTPS = env_bool("HTTPS", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000")) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the desk loads its scripts, styles and fonts from itself only;
# inline scripts carry the per-request nonce (`<script nonce="{{ request.csp_nonce }}">`). Inline style
# attributes stay allowed (the admin's templates use them). /api/v1/docs/ adds the Swagger UI's CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SWAGGER_UI_CDN = "https://cdn.jsdelivr.net"
# A failed CSRF check under /api/ answers the contract's JSON 403 (the desk pages keep Django's page).
CSRF_FAILURE_VIEW = "servicedesk.api.errors.csrf_failure"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "12")) * 3600  # one long shift

# Redis when REDIS_URL is set: broker, results and cache. Unset: a broker that needs no server
# (kombu's filesystem transport) so `make run` still runs a real worker and beat.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DATA_DIR / 'results'}"
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TIMEZONE = TIME_ZONE
# One queue name per deployment (or per test run, so parallel runs never take each other's tasks).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# How often beat proves it is alive (servicedesk.tasks.scheduler_heartbeat), in seconds.
DESK_HEARTBEAT_SECONDS = float(os.environ.get("DESK_HEARTBEAT_SECONDS", "60"))

# Birthday greetings (R-VIP-9): the default writes an outbox the desk can see in the admin; a real SMS
# provider plugs in as a class with `send(*, phone, text, key) -> bool` named here.
MEMBERS_SMS_BACKEND = os.environ.get("MEMBERS_SMS_BACKEND", "members.sms.OutboxBackend")

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "servicedesk@localhost")

# Request bodies: at most DATA_UPLOAD_MAX_MB (a 500-receipt batch fits); larger → 413 (JSON under /api/).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(float(os.environ.get("DATA_UPLOAD_MAX_MB", "5")) * 1024 * 1024)
# JSON bodies nested deeper than this are refused (400) before anything walks them.
API_MAX_JSON_DEPTH = int(os.environ.get("API_MAX_JSON_DEPTH", "32"))
# Store dates (receipts, complaints, broadcast days, periods) must fall in these years (issue 9).
DESK_DATE_MIN_YEAR = int(os.environ.get("DESK_DATE_MIN_YEAR", "2000"))
DESK_DATE_MAX_YEARS_AHEAD = int(os.environ.get("DESK_DATE_MAX_YEARS_AHEAD", "1"))
# A birthday more than this many years ago is refused (R-VIP-6 data checks).
MEMBERS_BIRTHDAY_MAX_AGE_YEARS = int(os.environ.get("MEMBERS_BIRTHDAY_MAX_AGE_YEARS", "120"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "servicedesk.api.authentication.CachedTokenAuthentication",  # token auth, user + permissions cached
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["servicedesk.api.permissions.RoleModelPermissions"],
    # The API speaks JSON only (the schema documents nothing else; other bodies → 415).
    "DEFAULT_PARSER_CLASSES": ["servicedesk.api.parsers.DeskJSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_FILTER_BACKENDS": [
        "servicedesk.api.filters.DeskFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "servicedesk.api.pagination.DeskCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "servicedesk.api.schema.DeskAutoSchema",
    "EXCEPTION_HANDLER": "servicedesk.api.errors.desk_exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Service Desk API",
    "DESCRIPTION": "The JSON API of the department store's service desk (tills, finance, checks).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Every operation documents the contract's error answers (servicedesk/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "servicedesk.api.schema.document_errors"],
    # Choice sets that share a field name across apps get stable, readable names in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ReceiptSideEnum": "receipts.choices.Side",
        "ReturnReasonEnum": "returns.choices.ReturnReason",
        "ReturnKindEnum": "returns.choices.ReturnKind",
        "ReturnStatusEnum": "returns.choices.ReturnStatus",
        "ComplaintStatusEnum": "complaints.choices.ComplaintStatus",
        "ComplaintTypeEnum": "complaints.choices.ComplaintType",
        "ReplaceReasonEnum": "members.choices.ReplaceReason",
        "WalletEnum": "members.choices.Wallet",
        "ComplaintChannelEnum": "complaints.choices.Channel",
        "EnquiryChannelEnum": "desk.choices.EnquiryChannel",
        "InsertKindEnum": "broadcast.choices.InsertKind",
        "LostKindEnum": "desk.choices.LostKind",
        "ScriptKindEnum": "broadcast.choices.ScriptKind",
        "AirLogKindEnum": "broadcast.choices.LogKind",
        "ScriptStatusEnum": "broadcast.choices.ScriptStatus",
        "DeliveryStatusEnum": "desk.choices.DeliveryStatus",
    },
    # A PDF served at both `….pdf` and `….pdf/` is documented once (the path without the slash).
    "PREPROCESSING_HOOKS": ["servicedesk.api.schema.drop_slash_aliases"],
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Import-export: exports need the view permission; imports the add permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_SKIP_ADMIN_LOG = True

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
