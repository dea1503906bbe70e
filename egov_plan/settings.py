"""Settings for the APA e-governance reporting project.

Everything that differs between a developer's laptop and production is read
from the environment by the small helpers below.
"""

import datetime
import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: str) -> bool:
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.getenv(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "false")
# Secure by default (production behind an HTTPS proxy). DEVELOPMENT=1 — set by `make run`,
# `make setup` and the test settings — relaxes what a local http://127.0.0.1 run cannot meet:
# HTTPS redirect, HSTS, secure cookies, and the refusal to serve with development secrets.
DEVELOPMENT = envbool("DEVELOPMENT", "false")
# The fallback key is for local runs only; production sets SECRET_KEY (egov_plan/production.py
# refuses to serve with it).
DEFAULT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.getenv("SECRET_KEY", DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# HTTPS: the app runs behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = not DEVELOPMENT
SECURE_HSTS_SECONDS = 0 if DEVELOPMENT else envint("HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_REFERRER_POLICY = "same-origin"

# Where generated files live (the embedded SQLite database, uploads, PDFs).
VAR_DIR = Path(os.getenv("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "nested_admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "egov_plan.axes_app.AxesConfig",  # django-axes, named in Bengali in the admin
    "treebeard",
    "csp",
    # The second factor of reviewers and admins: TOTP, and one-time recovery codes (egov_plan/accounts/second_factor.py)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",  # the JSON API (/api/v1/): its Swagger UI files, served locally (no CDN under the CSP)
    "egov_plan",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the others, so that every 405 they or the views answer gets the Bengali page.
    "egov_plan.error_pages.NotAllowedPageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files come compressed ahead of time, and never pass through it),
    # above everything that writes a page: pages and JSON gzip-compressed (egov_plan/compression.py).
    "egov_plan.compression.TextGZipMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (one query, only then).
    "django_otp.middleware.OTPMiddleware",
    "egov_plan.sessions.IdleExpiryMiddleware",
    # The office a user with several memberships chose to act in (read from the session, no query).
    "egov_plan.accounts.permissions.ChosenOfficeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Admin pages ask staff for the second factor first.
    "egov_plan.accounts.second_factor.AdminSecondFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as its documentation asks: turns a lockout into the Bengali page below.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's membership with the user (one query a request).
    "egov_plan.accounts.permissions.MembershipBackend",
]
# Failed logins: after 5 failures for one username from one address, 15 minutes' lockout.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# How many proxies in front of the app append to X-Forwarded-For (production: the TLS proxy).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0 if DEVELOPMENT else 1)
AXES_CLIENT_IP_CALLABLE = "egov_plan.production.client_ip"  # also /verify/'s rate limit
# "Forgot password": at most this many requests per address, and per e-mail address, in the window
# (the login's own limit and lockout by default), counted in the database (egov_plan/rate_limit.py).
PASSWORD_RESET_RATE_LIMIT = envint("PASSWORD_RESET_RATE_LIMIT", AXES_FAILURE_LIMIT)
PASSWORD_RESET_RATE_WINDOW = envint(
    "PASSWORD_RESET_RATE_WINDOW", int(AXES_COOLOFF_TIME.total_seconds())
)
# How long a reset link works, and an invitation's link to set the first password (egov_plan/accounts/invitations.py).
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_HOURS", 24) * 3600
INVITATION_DAYS = envint("INVITATION_DAYS", 7)

# A second factor (TOTP with recovery codes) for reviewers and admins before they approve, return or
# reopen, and before the admin: on in production, off for `make run` and the tests (DEVELOPMENT) unless set.
REQUIRE_SECOND_FACTOR = envbool(
    "REQUIRE_SECOND_FACTOR", "false" if DEVELOPMENT or DEBUG else "true"
)
# Codes tried per user (enrolment and verification together) per window, counted in the database.
SECOND_FACTOR_RATE_LIMIT = envint("SECOND_FACTOR_RATE_LIMIT", AXES_FAILURE_LIMIT)
SECOND_FACTOR_RATE_WINDOW = envint(
    "SECOND_FACTOR_RATE_WINDOW", int(AXES_COOLOFF_TIME.total_seconds())
)
# The name authenticator apps show beside the user name.
OTP_TOTP_ISSUER = os.getenv("SECOND_FACTOR_ISSUER", "APA e-governance")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # were django-otp's admin pages shown: never a device's secret

# Single sign-on through the government's OpenID Connect provider (egov_plan/accounts/oidc.py, with
# mozilla-django-oidc), beside passwords. Unset, it is off; half set, the app does not start; in
# production (DEBUG off, DEVELOPMENT unset) every address of the provider must be https.
OIDC_RP_CLIENT_ID = os.getenv("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.getenv("OIDC_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.getenv("OIDC_ISSUER", "")  # the ID token's "iss", exactly
OIDC_OP_AUTHORIZATION_ENDPOINT = os.getenv("OIDC_AUTHORIZATION_URL", "")
OIDC_OP_TOKEN_ENDPOINT = os.getenv("OIDC_TOKEN_URL", "")
OIDC_OP_USER_ENDPOINT = os.getenv("OIDC_USERINFO_URL", "")  # optional: claims the ID token lacks
OIDC_OP_JWKS_ENDPOINT = os.getenv("OIDC_JWKS_URL", "")
OIDC_RP_SIGN_ALGO = os.getenv("OIDC_SIGN_ALGORITHM", "RS256")
OIDC_RP_SCOPES = os.getenv("OIDC_SCOPES", "openid profile email")
# The claims that name the user (matched with the username), and for a first login their office
# (its code) and role (officer or reviewer).
OIDC_USERNAME_CLAIM = os.getenv("OIDC_USERNAME_CLAIM", "preferred_username")
OIDC_OFFICE_CLAIM = os.getenv("OIDC_OFFICE_CLAIM", "office_code")
OIDC_ROLE_CLAIM = os.getenv("OIDC_ROLE_CLAIM", "role")
# Whether someone the app does not know yet is created at their first sign-in (else refused).
OIDC_CREATE_USERS = envbool("OIDC_CREATE_USERS", "false")
# Whether admins (staff) may sign in through the provider too (off: their accounts use passwords).
OIDC_ADMINS = envbool("OIDC_ADMINS", "false")
OIDC_TIMEOUT = envint("OIDC_TIMEOUT", 10)  # seconds for each call to the provider
OIDC_VERIFY_SSL = (
    os.getenv("OIDC_CA_BUNDLE", "") or True
)  # a PEM bundle if the provider's CA is not a public one
OIDC_PROXY = None
OIDC_USE_PKCE = True
OIDC_SIGN_ALGORITHMS = [
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
]


def _single_sign_on_faults() -> list[str]:
    named = {
        "OIDC_CLIENT_ID": OIDC_RP_CLIENT_ID,
        "OIDC_CLIENT_SECRET": OIDC_RP_CLIENT_SECRET,
        "OIDC_ISSUER": OIDC_OP_ISSUER,
        "OIDC_AUTHORIZATION_URL": OIDC_OP_AUTHORIZATION_ENDPOINT,
        "OIDC_TOKEN_URL": OIDC_OP_TOKEN_ENDPOINT,
        "OIDC_JWKS_URL": OIDC_OP_JWKS_ENDPOINT,
    }
    if not any(named.values()):
        return []
    faults = [f"set {name}" for name, value in named.items() if not value]
    if OIDC_RP_SIGN_ALGO not in OIDC_SIGN_ALGORITHMS:
        faults.append(f"OIDC_SIGN_ALGORITHM must be one of {', '.join(OIDC_SIGN_ALGORITHMS)}")
    if not (DEBUG or DEVELOPMENT):
        addresses = {**named, "OIDC_USERINFO_URL": OIDC_OP_USER_ENDPOINT}
        faults += [
            f"{name} must be an https address"
            for name, value in addresses.items()
            if name not in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
            and value
            and not value.startswith("https://")
        ]
    return faults


if _single_sign_on_faults():
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "single sign-on (OpenID Connect): " + "; ".join(_single_sign_on_faults())
    )

ROOT_URLCONF = "egov_plan.urls"

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
                "reports.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "egov_plan.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.getenv("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # Persistent connections: each gunicorn worker (each thread, with gthread) keeps its own
        # for this long instead of connecting per request; checked before reuse after a request.
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# The hottest plain-SQL reads (egov_plan/rowsql.py) as prepared statements on PostgreSQL: planned
# once per connection. A pooler in transaction mode (PgBouncer's) keeps no session's state between
# transactions: DATABASE_POOLER=transaction turns them and server-side cursors off; unset ("auto"),
# egov_plan/pooler.py does so for a connection that goes through a proxy; "none" never does.
DATABASE_POOLER = os.getenv("DATABASE_POOLER", "auto").strip().lower()
if DATABASE_POOLER == "transaction":
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
DB_PREPARED_STATEMENTS = envbool(
    "DB_PREPARED_STATEMENTS", "false" if DATABASE_POOLER == "transaction" else "true"
)

# Argon2id (argon2-cffi) first: new passwords, and older PBKDF2 hashes at their next login, are
# stored with it; the others only check hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Bengali is the default and the source text of every message (msgid); English is on request
# (the language switch, or the browser's Accept-Language on a first visit). The catalogues in
# egov_plan/locale: `en` translates the app's strings; `bn` adds Bengali for strings that
# Django's and libraries' own catalogues leave in English. The .mo files are committed.
LANGUAGE_CODE = "bn"
LANGUAGES = [("bn", "বাংলা"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "egov_plan" / "locale"]
# The language switch's choice: a cookie for a year, sent only over HTTPS in production.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = not DEVELOPMENT
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns about a missing one
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"  # never served directly: evidence goes through a permission check
# Where media live (evidence, signed PDFs, draft PDFs, bulk-print zips, uploads waiting for their
# import's confirmation): a Django storage backend, by one of these names or its dotted path, with
# MEDIA_STORAGE_OPTIONS (JSON) as its OPTIONS. The code reads and writes media only through the
# storage API (egov_plan/media.py), so app servers and workers share one storage: MEDIA_ROOT on an
# NFS mount, or an S3-compatible bucket (README, "Media on shared storage").
MEDIA_STORAGES = {
    "filesystem": "django.core.files.storage.FileSystemStorage",
    "inmemory": "django.core.files.storage.InMemoryStorage",  # tests only: lost at exit
    "s3": "storages.backends.s3.S3Storage",
}  # needs `pip install django-storages[s3]`
MEDIA_STORAGE = os.getenv("MEDIA_STORAGE", "filesystem")
MEDIA_STORAGE_OPTIONS = json.loads(os.getenv("MEDIA_STORAGE_OPTIONS", "{}"))

# Evidence (প্রমাণক) uploads: the largest file accepted, in megabytes.
EVIDENCE_MAX_BYTES = envint("EVIDENCE_MAX_MB", 10) * 1024 * 1024
# The most an Office (docx/xlsx) evidence file may unpack to: a 1 MB zip can inflate to 1 GB.
EVIDENCE_MAX_UNPACKED_BYTES = envint("EVIDENCE_MAX_UNPACKED_MB", 50) * 1024 * 1024

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEVELOPMENT
# Idle expiry: a session ends SESSION_IDLE_HOURS after its last request (renewed by
# egov_plan.sessions.IdleExpiryMiddleware at most every five minutes).
SESSION_COOKIE_AGE = envint("SESSION_IDLE_HOURS", 8) * 3600
# Django's database sessions, read in plain SQL (egov_plan/sessions.py).
SESSION_ENGINE = "egov_plan.sessions"

# Content-Security-Policy on every page: no inline script or style anywhere, so no 'unsafe-inline'.
# The PDF's QR code is a data: image; Django's admin uses data: SVG icons too.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
LOGOUT_REDIRECT_URL = "/accounts/login/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}

# Signing of approved reports (PAdES): a PKCS#12 file with the key and certificate.
# `manage.py create_signing_certificate` makes a self-signed development one here.
SIGNING_PKCS12_PATH = Path(
    os.getenv("SIGNING_PKCS12_PATH", str(VAR_DIR / "signing" / "development-signer.p12"))
)
SIGNING_PKCS12_PASSPHRASE = os.getenv("SIGNING_PKCS12_PASSPHRASE", "development-only")
# Extra trust roots (PEM) for /verify/, e.g. the CA of a production certificate.
SIGNING_TRUST_ROOTS = os.getenv("SIGNING_TRUST_ROOTS", "")
# Long-term validation (README, "Signatures for decades"): with an RFC 3161 time-stamping
# authority every signature is PAdES B-LTA (timestamp, validation data, document timestamp);
# without one, B-B. A stored PDF whose newest timestamp's certificate expires within
# ARCHIVE_RENEW_DAYS gets a fresh document timestamp (renew_archive_timestamps).
TSA_URL = os.getenv("TSA_URL", "")
TSA_USERNAME = os.getenv("TSA_USERNAME", "")
TSA_PASSWORD = os.getenv("TSA_PASSWORD", "")
TSA_TIMEOUT = envint("TSA_TIMEOUT", 10)
ARCHIVE_RENEW_DAYS = envint("ARCHIVE_RENEW_DAYS", 180)
# The public address printed in the PDF's verification link and QR code.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# E-mail (send_reminders): printed to the console unless an SMTP host is configured.
EMAIL_HOST = os.getenv("EMAIL_HOST", "")
EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "true")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "apa-egov@localhost")
# Largest PDF accepted by /verify/ and verify_pdf. A signed report is small (the seed's is
# 70 KB, a 200-indicator plan's 125 KB; the fonts are subset), so 2 MB leaves a 15-fold margin
# and keeps a hostile upload's parsing cost small.
VERIFY_MAX_BYTES = envint("VERIFY_MAX_MB", 2) * 1024 * 1024
# Checks per address on /verify/: at most VERIFY_RATE_LIMIT in VERIFY_RATE_WINDOW seconds.
VERIFY_RATE_LIMIT = envint("VERIFY_RATE_LIMIT", 10)
VERIFY_RATE_WINDOW = envint("VERIFY_RATE_WINDOW", 60)
# Requests per personal access token on the JSON API: at most API_RATE_LIMIT in API_RATE_WINDOW
# seconds (counted in the database, for every worker), then 429 with Retry-After.
API_RATE_LIMIT = envint("API_RATE_LIMIT", 600)
API_RATE_WINDOW = envint("API_RATE_WINDOW", 60)

# Media: MEDIA_STORAGE above. Static files: production serves `collectstatic`'s compressed,
# content-hashed files (cacheable forever); a development run and the tests serve them straight
# from the app folders.
STORAGES = {
    "default": {
        "BACKEND": MEDIA_STORAGES.get(MEDIA_STORAGE, MEDIA_STORAGE),
        "OPTIONS": MEDIA_STORAGE_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEBUG

# Background work (Celery): Redis as broker and result store when REDIS_URL is set; without it
# tasks run in the calling process (eager), so a laptop needs nothing else installed.
REDIS_URL = os.getenv("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# A task is acknowledged when it has finished (egov_plan/celery.py). With Redis, a task taken by a
# worker that died without giving it back (machine lost, worker SIGKILLed) is delivered again once
# it has been unacknowledged for this many seconds: it must exceed the longest task (a zip of a
# large tree), or a task still running is started a second time (harmless, tasks are idempotent,
# but wasted work). The sweep that looks for such tasks runs every tenth of it (1 to 10 s).
visibility_timeout = envint("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": visibility_timeout,
    "unacked_restore_interval": min(10, max(1, visibility_timeout // 10)),
    "unacked_restore_throttle": 1,
}
# Redis out of reach: Celery's result store retries its connection 20 times a second apart, and a
# web process queuing a task (the signing on approval) waited that long, a whole worker held per
# request. Two quick retries instead (under a second): the approval answers at once and its signing
# is logged as not queued (the download signs on demand, a bulk print signs what is unsigned).
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {
        "max_retries": 2,
        "interval_start": 0,
        "interval_step": 0.3,
        "interval_max": 0.3,
    },
}
# In-process runs keep a failure in the task's result, as a worker does, so retries still happen.
CELERY_TASK_EAGER_PROPAGATES = False
# The cache (progress of long jobs such as a template roll-out) is shared by web and worker
# processes through Redis when there is one; otherwise it lives in the one process that runs both.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sign a report's PDF in the background as soon as it is approved (default: when a queue exists).
SIGN_ON_APPROVAL = envbool("SIGN_ON_APPROVAL", "true" if REDIS_URL else "false")
# How long a finished bulk print (zip of a quarter's signed PDFs) stays downloadable.
BULK_PRINT_KEEP_HOURS = envint("BULK_PRINT_KEEP_HOURS", 48)
# How long an entry-page save's idempotency key is remembered (a resent save within it is applied once).
SAVE_KEY_KEEP_HOURS = envint("SAVE_KEY_KEEP_HOURS", 7 * 24)
