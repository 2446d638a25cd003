"""The settings, one module per concern; everything that differs between machines comes from
the environment. This module: Django and the one-stop platform. `connections`: the national
systems, the signing service and the LGSP gateway. `env`: var/, the environment's helpers and
the secret key."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from .env import PRODUCTION, VAR_DIR, env_bool, env_list
from .env import SECRET_KEY as SECRET_KEY  # Django reads it here
from .env import derived_secret as _derived_secret

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("TINHSO_DEBUG")
# The demo's OpenID Connect provider (/idp/, a stand-in for VNeID): off in production, where
# neither its apps, its URLs nor its admin exist.
TINHSO_DEMO_IDP = env_bool("TINHSO_DEMO_IDP", not PRODUCTION)
# This server's public address, for what must never come from a request's Host header.
TINHSO_SITE_URL = os.environ.get("TINHSO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


ALLOWED_HOSTS = env_list("TINHSO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("TINHSO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "bootstrap",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_prometheus",
    "django_tasks",
    "django_tasks_db",
    "tinhso.core",
    "tinhso.catalog",
    "tinhso.dossiers",
    "tinhso.notify",
    "tinhso.metrics",
    "tinhso.portal",
    "tinhso.backoffice",
    "mozilla_django_oidc",
    "tinhso.petitions",
    "tinhso.integrations",
    "tinhso.signing",
    "tinhso.documents",
    "tinhso.exchange",
]
if TINHSO_DEMO_IDP:
    INSTALLED_APPS += ["oauth2_provider", "tinhso.idp"]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # CSP, and no-store where personal data is (after whitenoise: static files stay cached).
    "tinhso.core.headers.SecurityHeadersMiddleware",
    "tinhso.core.bad_request.refuse_nul_in_address",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tinhso.core.audit.AuditContextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tinhso.core.otp.PrivilegedOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "tinhso.urls"
WSGI_APPLICATION = "tinhso.wsgi.application"

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
                "tinhso.core.context_processors.province",
            ],
        },
    },
]

# --- Database: SQLite under var/ by default, PostgreSQL with DATABASE_URL=postgres://...
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tinhso.sqlite3'}"),
        conn_max_age=int(os.environ.get("TINHSO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if (DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
        and os.environ.get("TINHSO_DB_PREPARED", "1") == "1"):
    # Parameters bound by the server, and a statement run 5 times on a connection is
    # prepared: PostgreSQL then skips parsing and planning, which cost more than running
    # the engine's small indexed queries (bench/README.md). Set 0 behind a pooler that
    # cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True,
                                                          prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: it compiles a query the planner guesses costly, and the portal's search over the
    # national catalogue (word filters on 3,000+ procedures) paid 150 ms of compiling for
    # 30 ms of work. The one-stop engine's queries are short and indexed.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the demo's web server and worker share the file. A transaction
    # takes the write lock when it begins (IMMEDIATE): one that read first and wrote later
    # would otherwise fail at once with "database is locked" (the busy timeout cannot help a
    # reader whose snapshot another writer made stale) instead of waiting for its turn.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
         "transaction_mode": "IMMEDIATE"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

# --- Authentication: Argon2, throttled failures, TOTP for privileged roles.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tinhso.core.auth.AccountBackend",  # Django's ModelBackend, roles read with the account
    "tinhso.integrations.identity.CitizenOIDCBackend",  # citizens: VNeID over OpenID Connect
]
AXES_FAILURE_LIMIT = int(os.environ.get("TINHSO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("TINHSO_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False


def _networks(name: str) -> list[str]:
    """Addresses or networks listed in a variable; a wrong one stops start-up, named."""
    try:
        return [str(ipaddress.ip_network(item, strict=False)) for item in env_list(name)]
    except ValueError as exc:
        raise RuntimeError(f"{name}: {exc}") from None


# Behind a reverse proxy REMOTE_ADDR is the proxy: lock-outs, the audit log and the public
# lookup throttle key on the client address that core.clientip derives from these proxies.
TINHSO_TRUSTED_PROXIES = _networks("TINHSO_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "tinhso.core.clientip.client_ip"
# Roles that must confirm a TOTP code when this is on (see core.roles).
TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = env_bool("TINHSO_REQUIRE_OTP", PRODUCTION)
OTP_TOTP_ISSUER = "tinhso"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# --- Language and time: Vietnamese first, English second; stored in UTC, shown in Hanoi time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- The province this deployment serves, and its office hours for the work calendar.
TINHSO_PROVINCE_CODE = os.environ.get("TINHSO_PROVINCE_CODE", "25")
TINHSO_OFFICE_HOURS = os.environ.get("TINHSO_OFFICE_HOURS", "07:30-11:30,13:30-17:00")

# --- Static and uploaded files.
STATIC_URL = "static/"
# Covering indexes (INCLUDE columns) serve PostgreSQL; SQLite builds them without the extras.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "tinhso.metrics.staticfinders.EChartsFinder",  # ECharts from instaui-echarts, served here
]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request when it is missing
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("TINHSO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    # Uploaded files are stored under a safe name (dossiers.uploads.stored_name).
    "default": {"BACKEND": "tinhso.dossiers.uploads.Storage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# The service index's results, computed once per refresh of its aggregates for every server
# process (the refresher computes the dashboard's default views right after a refresh): files
# under var/, so the embedded default needs no cache server. The rest stays in each process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "metrics": {
        "BACKEND": "tinhso.metrics.filecache.SharedFileCache",
        "LOCATION": str(VAR_DIR / "cache" / "metrics"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# --- Security headers that cost nothing behind a TLS-terminating proxy.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Production is HTTPS only: plain HTTP is redirected, except /healthz, which the load balancer
# probes over plain HTTP behind the proxy. Browsers then keep to HTTPS (HSTS) for a year.
SECURE_SSL_REDIRECT = env_bool("TINHSO_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("TINHSO_HSTS_SECONDS",
                                         "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("TINHSO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("TINHSO_HSTS_PRELOAD", True)
# /metrics answers the operators' Prometheus only: scrapes from these addresses (networks
# allowed), or any request with "Authorization: Bearer <TINHSO_METRICS_TOKEN>".
TINHSO_METRICS_ALLOWED_IPS = env_list("TINHSO_METRICS_ALLOWED_IPS", "127.0.0.1,::1")
TINHSO_METRICS_TOKEN = os.environ.get("TINHSO_METRICS_TOKEN", "")


# --- The audit chain (core.audit, docs/audit.md). Links are HMAC-SHA256 under TINHSO_AUDIT_KEY,
# a key that is not in the database; production must give it (None here makes the sealer and
# verify_audit refuse to run, while the web processes, which never link, do not need it).
# Checkpoints are signed with an Ed25519 key (TINHSO_AUDIT_SIGNING_KEY, PEM; else a file
# generated under var/) and appended to an anchor file outside the database.
TINHSO_AUDIT_KEY = os.environ.get("TINHSO_AUDIT_KEY") or (
    None if PRODUCTION else _derived_secret("audit-chain"))
TINHSO_AUDIT_SIGNING_KEY = os.environ.get("TINHSO_AUDIT_SIGNING_KEY", "")
TINHSO_AUDIT_SIGNING_KEY_FILE = VAR_DIR / "audit_ed25519.pem"
TINHSO_AUDIT_ANCHOR_PATH = Path(os.environ.get("TINHSO_AUDIT_ANCHOR_PATH",
                                               VAR_DIR / "audit-anchor.jsonl"))


# --- API.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Machines use API tokens; people use the pages' session (CSRF and the second factor
    # enforced there). No password is accepted on the API: it would skip both.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tinhso.core.api_auth.TokenAuthentication",  # first: it names the 401's scheme
        "tinhso.core.api_auth.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Malformed input is a 400: page numbers are checked, nested JSON cannot recurse.
    "DEFAULT_PAGINATION_CLASS": "tinhso.core.api_input.Pagination",
    "DEFAULT_PARSER_CLASSES": ["tinhso.core.api_input.JSONParser",
                               "tinhso.core.api_input.FormParser",
                               "tinhso.core.api_input.MultiPartParser"],
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "tinhso.core.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "tinhso API",
    "DESCRIPTION": "API của nền tảng Tỉnh số: đơn vị hành chính, cơ quan, thủ tục và hồ sơ.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "tinhso.core.api_schema.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "UnitLevelEnum": "tinhso.core.models.AdministrativeUnit.Level",
        "AgencyLevelEnum": "tinhso.core.models.Agency.Level",
        "DossierStatusEnum": "tinhso.dossiers.models.Status",
        "VersionStatusEnum": "tinhso.catalog.models.ProcedureVersion.Status",
        "FeeKindEnum": "tinhso.catalog.models.Fee.Kind",
        "PetitionKindEnum": "tinhso.petitions.models.Petition.Kind",
        "PetitionStatusEnum": "tinhso.petitions.models.Petition.Status",
    },
}

# --- Logs: readable in development, one JSON object a line in production.
LOG_JSON = env_bool("TINHSO_LOG_JSON", PRODUCTION)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json" if LOG_JSON else "plain"}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TINHSO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Background work (django-tasks): the database backend needs no broker; `tinhso db_worker`
# runs the queue. Tests and one-off scripts may use django_tasks.backends.immediate.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TINHSO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# E-mail to applicants leaves through SMTP: in production, and wherever TINHSO_EMAIL_HOST is
# set (`make serve` points it at the demo's mail sink, `tinhso smtp_sink`); else the console.
EMAIL_BACKEND = os.environ.get(
    "TINHSO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION or os.environ.get("TINHSO_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("TINHSO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("TINHSO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("TINHSO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("TINHSO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("TINHSO_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30  # seconds; a stuck server fails the attempt, and the outbox retries it
DEFAULT_FROM_EMAIL = (os.environ.get("TINHSO_EMAIL_FROM")
                      or os.environ.get("TINHSO_FROM_EMAIL", "tinhso@localhost"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the demo's mail sink (`tinhso smtp_sink`) keeps what it receives; /dev/mail/ lists it
# while the demo identity provider is on.
TINHSO_MAIL_SINK_DIR = Path(os.environ.get("TINHSO_MAIL_SINK_DIR", VAR_DIR / "mail"))
# SMS leaves through this sender (notify.sending.SmsSender): the eSMS.vn brandname gateway's
# JSON API (integrations.sms, docs/sms.md) wherever TINHSO_SMS_URL names it (`make serve`
# points it at the demo's simulator, `tinhso sms_gateway`), else the log.
TINHSO_SMS_URL = os.environ.get("TINHSO_SMS_URL", "").rstrip("/")  # e.g. https://rest.esms.vn
TINHSO_SMS_BACKEND = os.environ.get(
    "TINHSO_SMS_BACKEND", "tinhso.integrations.sms.client.EsmsClient" if TINHSO_SMS_URL
    else "tinhso.notify.sending.LoggingSmsSender")
# The gateway account's keys and the registered brandname (the sender's name on the handset);
# the demo derives its keys, shared by the web, the worker and the simulator.
TINHSO_SMS_API_KEY = os.environ.get("TINHSO_SMS_API_KEY") or (
    "" if PRODUCTION else _derived_secret("sms-api-key"))
TINHSO_SMS_SECRET = os.environ.get("TINHSO_SMS_SECRET") or (
    "" if PRODUCTION else _derived_secret("sms-secret"))
TINHSO_SMS_BRANDNAME = os.environ.get("TINHSO_SMS_BRANDNAME", "TINHSO")
# Off: Vietnamese folded to plain letters, 160 characters a segment; on: with diacritics
# (IsUnicode), 70. A longer text is sent in up to this many segments, then shortened.
TINHSO_SMS_UNICODE = env_bool("TINHSO_SMS_UNICODE")
TINHSO_SMS_MAX_SEGMENTS = int(os.environ.get("TINHSO_SMS_MAX_SEGMENTS", "2"))
# On: the gateway checks each request but sends nothing and charges nothing (its Sandbox).
TINHSO_SMS_SANDBOX = env_bool("TINHSO_SMS_SANDBOX")
TINHSO_SMS_TIMEOUT = float(os.environ.get("TINHSO_SMS_TIMEOUT", "10"))
# A notification still unsent after this long is sent again by the worker.
TINHSO_NOTIFY_STALE_SECONDS = int(os.environ.get("TINHSO_NOTIFY_STALE_SECONDS", "900"))

# --- The citizens' portal: uploads, public lookup throttle, VNeID sign-in, payments.
# The service index follows the dossiers with a background refresh, at most this often.
TINHSO_METRICS_MIN_INTERVAL_SECONDS = float(
    os.environ.get("TINHSO_METRICS_MIN_INTERVAL_SECONDS", "30"))
TINHSO_UPLOAD_MAX_MB = float(os.environ.get("TINHSO_UPLOAD_MAX_MB", "10"))
# Public lookups by dossier or petition code: attempts per client address per window.
TINHSO_LOOKUP_LIMIT = int(os.environ.get("TINHSO_LOOKUP_LIMIT", "10"))
TINHSO_LOOKUP_WINDOW_SECONDS = int(os.environ.get("TINHSO_LOOKUP_WINDOW_SECONDS", "900"))


def _oidc_private_key() -> str:
    """The local provider's RS256 key: from the environment, else generated under var/."""
    key = os.environ.get("TINHSO_IDP_RSA_PRIVATE_KEY")
    if key:
        return key
    path = VAR_DIR / "idp_rsa_private.pem"
    if not path.exists():
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption())
        path.write_bytes(pem)
        path.chmod(0o600)
    return path.read_text()


# Citizens sign in with OpenID Connect. TINHSO_OIDC_ISSUER names the provider (VNeID in
# production; its endpoints are under it unless given one by one); empty means the demo's
# own provider at TINHSO_SITE_URL/idp/ when it is on, and is a configuration error (a system
# check) when it is off. Never the request's Host: the server posts its client secret there.
TINHSO_OIDC_ISSUER = os.environ.get("TINHSO_OIDC_ISSUER", "").rstrip("/")
# Claim names of the provider (VNeID's own names go here).
TINHSO_OIDC_CLAIMS = {
    "personal_id": os.environ.get("TINHSO_OIDC_CLAIM_PERSONAL_ID", "personal_id"),
    "full_name": os.environ.get("TINHSO_OIDC_CLAIM_NAME", "name"),
    "phone": os.environ.get("TINHSO_OIDC_CLAIM_PHONE", "phone_number"),
    "email": os.environ.get("TINHSO_OIDC_CLAIM_EMAIL", "email"),
}
OIDC_RP_CLIENT_ID = os.environ.get("TINHSO_OIDC_CLIENT_ID", "tinhso-portal")
OIDC_RP_CLIENT_SECRET = (os.environ.get("TINHSO_OIDC_CLIENT_SECRET")
                         or _derived_secret("oidc-client-secret"))
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("TINHSO_OIDC_SCOPES", "openid profile email phone")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = float(os.environ.get("TINHSO_OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATE_CLASS = "tinhso.integrations.identity.CitizenAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "tinhso.integrations.identity.CitizenAuthenticationCallbackView"
# Empty endpoints mean the demo provider's (integrations.identity.endpoints reads them).
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("TINHSO_OIDC_AUTHORIZATION_ENDPOINT") or (
    f"{TINHSO_OIDC_ISSUER}/authorize/" if TINHSO_OIDC_ISSUER else "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("TINHSO_OIDC_TOKEN_ENDPOINT") or (
    f"{TINHSO_OIDC_ISSUER}/token/" if TINHSO_OIDC_ISSUER else "")
OIDC_OP_USER_ENDPOINT = os.environ.get("TINHSO_OIDC_USERINFO_ENDPOINT") or (
    f"{TINHSO_OIDC_ISSUER}/userinfo/" if TINHSO_OIDC_ISSUER else "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("TINHSO_OIDC_JWKS_ENDPOINT") or (
    f"{TINHSO_OIDC_ISSUER}/.well-known/jwks.json" if TINHSO_OIDC_ISSUER else "")
LOGIN_REDIRECT_URL_FAILURE = "portal:signin_failed"

# The demo's OpenID Connect provider (/idp/), a stand-in for VNeID. It follows the OAuth 2.0
# security BCP (RFC 9700) except that it accepts http loopback callbacks (RFC 8252), which is
# why it is a demo and never mounted in production.
OAUTH2_PROVIDER = {} if not TINHSO_DEMO_IDP else {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "OAUTH2_VALIDATOR_CLASS": "tinhso.idp.validator.CitizenClaimsValidator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "profile": "Họ tên, số định danh cá nhân",
        "email": "Thư điện tử",
        "phone": "Số điện thoại",
    },
    "PKCE_REQUIRED": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 600,
}
# Its sign-in form refuses for this long once a personal id, or a client address, has failed
# this many times.
TINHSO_IDP_FAILURE_LIMIT = int(os.environ.get("TINHSO_IDP_FAILURE_LIMIT", "5"))
TINHSO_IDP_ADDRESS_FAILURE_LIMIT = int(os.environ.get("TINHSO_IDP_ADDRESS_FAILURE_LIMIT", "20"))
TINHSO_IDP_LOCKOUT_SECONDS = int(os.environ.get("TINHSO_IDP_LOCKOUT_SECONDS", "900"))

# Fees paid online through the province's gateway, in VNPay's merchant protocol (API 2.1.0).
# `tinhso payment_gateway --port 8100` runs the simulator the demo and tests use; for VNPay's
# sandbox set the URL to https://sandbox.vnpayment.vn/paymentv2/vpcpay.html (a base address
# alone gets /paymentv2/vpcpay.html), the merchant to the vnp_TmnCode and the secret to the
# vnp_HashSecret VNPay issued, and register TINHSO_PAYMENT_IPN_URL with VNPay as the IPN URL.
TINHSO_PAYMENT_GATEWAY_URL = os.environ.get("TINHSO_PAYMENT_GATEWAY_URL",
                                            "http://127.0.0.1:8100/paymentv2/vpcpay.html")
TINHSO_PAYMENT_MERCHANT = os.environ.get("TINHSO_PAYMENT_MERCHANT", "TINHSO")
TINHSO_PAYMENT_IPN_URL = os.environ.get("TINHSO_PAYMENT_IPN_URL",
                                        f"{TINHSO_SITE_URL}/payments/ipn/")
TINHSO_PAYMENT_SECRET = (os.environ.get("TINHSO_PAYMENT_SECRET")
                         or _derived_secret("payment-gateway"))

# The national systems, the signing service and the LGSP gateway.
from .connections import *  # noqa: E402, F403
