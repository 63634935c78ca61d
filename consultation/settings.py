"""
Settings for Trajectoires ESS, read from the environment.

The variables are listed in README.md and `.env.example`. Defaults are safe for local
development only: outside debug mode, a secret key must be given.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


DEBUG = env_bool("DJANGO_DEBUG", default=False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(see README.md, section Configuration)."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - debug mode only

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else ""
)

INSTALLED_APPS = [
    "consultation",
    "trajectories",
    "proposals",
    "synthesis",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # A host the site does not serve gets the 400 page, whatever the path.
    "consultation.security.KnownHostMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A stale result, figure or export is refreshed after the response is sent.
    "consultation.cache.RefreshAfterResponseMiddleware",
    # A mail that depends on who has an account leaves after the response.
    "consultation.background.JobsAfterResponseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "consultation.security.RejectNulBytesMiddleware",
    # Before anything that reads the session or the database: a hit returns at once.
    "consultation.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "consultation.security.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "consultation.routers.ReplicaReadsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Participants' pages: rendered once for everyone, filled in for each reader.
    "consultation.shared_pages.SharedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, as its documentation asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "consultation.urls"

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

WSGI_APPLICATION = "consultation.wsgi.application"

# Messages live in a cookie, so that reading them never touches the session (and a
# request carrying none may be served a cached page).
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"
# Bootstrap's name for the error alerts.
MESSAGE_TAGS = {40: "danger"}  # messages.ERROR

# The admin's address: set it to something less guessable than "admin/" in production.
ADMIN_PATH = os.environ.get("DJANGO_ADMIN_PATH", "admin/").strip("/") + "/"
# Require a second factor (TOTP app or static backup codes, django-otp) for the admin.
ADMIN_REQUIRE_OTP = env_bool("DJANGO_ADMIN_REQUIRE_OTP", default=False)

# --- HTTP security ---------------------------------------------------------------
# Outside debug mode the site is served over HTTPS only. Behind a TLS-terminating proxy,
# set DJANGO_SECURE_PROXY_SSL_HEADER=1 so that its X-Forwarded-Proto header is trusted.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(
    os.environ.get("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: scripts are files of this site. Styles may be inline
# (the admin's templates set a few style attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A worker's thread writes too (the mails left for after a response): each
    # transaction takes SQLite's write lock as it begins, and waits for it, instead of
    # failing when it reads first and writes afterwards beside another writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20
    )

# A read replica (docs/deploy.md): anonymous read-only requests read from it.
DATABASE_REPLICA_ENABLED = bool(os.environ.get("DATABASE_REPLICA_URL"))
DATABASES["replica"] = {
    **(
        dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
        )
        if DATABASE_REPLICA_ENABLED
        else DATABASES["default"]
    ),
    "TEST": {"MIRROR": "default"},
}
DATABASE_ROUTERS = ["consultation.routers.ReplicaRouter"]
# A replica whose replay lags further behind the primary, in seconds, is skipped (its
# readers read the primary) until it catches up; so is a replica that is down.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
if DATABASE_REPLICA_ENABLED and DATABASES["replica"]["ENGINE"].endswith("postgresql"):
    # A replica that does not answer is given up quickly, not after the OS's minutes.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "consultation.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "my_space"
LOGOUT_REDIRECT_URL = "home"

# Behind reverse proxies (docs/deploy.md: nginx), how many of them write the
# X-Forwarded-For header: the client's address is the one they received. 0: the header
# is ignored (a client could write anything in it). Rate limits, lock-outs and logs all
# use `consultation.security.client_ip`.
TRUSTED_PROXIES = int(os.environ.get("DJANGO_TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "consultation.security.client_ip"
RATELIMIT_IP_META_KEY = "consultation.security.client_ip"

# Login throttling (django-axes): 5 failures for one email from one address lock them
# out for 15 minutes; a success resets the count. The current-password checks (account
# deletion, password change) count as logins. Beyond that, RATE_LIMITS["login_failures_
# ip"] failures from one address, whatever the emails, refuse its logins (spraying).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "consultation.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "consultation/lockout.html"

# Rate limits (django-ratelimit) of the state-changing forms, per account and per IP.
RATELIMIT_VIEW = "consultation.views.ratelimited"
# If the cache (Redis) is down, let people through rather than refuse every vote.
RATELIMIT_FAIL_OPEN = True
RATE_LIMITS = {
    "signup_ip": os.environ.get("RATE_LIMIT_SIGNUP_IP", "10/h"),
    "proposal_user": os.environ.get("RATE_LIMIT_PROPOSAL_USER", "20/h"),
    "proposal_ip": os.environ.get("RATE_LIMIT_PROPOSAL_IP", "60/h"),
    "vote_user": os.environ.get("RATE_LIMIT_VOTE_USER", "120/m"),
    "vote_ip": os.environ.get("RATE_LIMIT_VOTE_IP", "600/m"),
    "cosignature_user": os.environ.get("RATE_LIMIT_COSIGNATURE_USER", "30/h"),
    # Mails that anyone can have sent (password reset, confirmation link).
    "mail_address": os.environ.get("RATE_LIMIT_MAIL_ADDRESS", "3/h"),
    "mail_ip": os.environ.get("RATE_LIMIT_MAIL_IP", "10/h"),
    "login_failures_ip": os.environ.get("RATE_LIMIT_LOGIN_FAILURES_IP", "20/h"),
}

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {
            # Fails open: when Redis is unreachable, reads miss and writes are skipped,
            # so pages, logins, votes and rate limits go on from the database.
            "BACKEND": "consultation.cache_backends.FailSafeRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# Sessions are read from the cache and written to the database as well: a request
# costs no session query while Redis answers, and nobody is logged out when it does not.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# The benchmark tools (docs/performance.md): `seed_bench`, `bench` and the constant view
# at /bench/ceiling/ they measure against. Production leaves them out.
BENCHMARKS = env_bool("DJANGO_BENCHMARKS", default=DEBUG)
if BENCHMARKS:
    INSTALLED_APPS.append("benchmarks")
BENCH_CEILING = BENCHMARKS and env_bool("DJANGO_BENCH_CEILING", default=False)
# A file where each vote appends how long it held its proposal's row locked (seconds),
# for `bench`; empty: not measured.
VOTE_LOCK_LOG = os.environ.get("DJANGO_VOTE_LOCK_LOG", "")

# A stale page or result is rendered again in a thread of the worker's own, after the
# response, not before the worker takes its next request (consultation.background).
REFRESH_IN_BACKGROUND = env_bool("DJANGO_REFRESH_IN_BACKGROUND", default=True)
# Without Redis, how old a process's batch of exposure counts may grow before the
# process adds it to the database itself (`proposals.exposures`).
EXPOSURE_BATCH_SECONDS = float(os.environ.get("DJANGO_EXPOSURE_BATCH_SECONDS", "10"))

# How long results, key figures and open data may lag behind the votes, in seconds.
RESULTS_CACHE_SECONDS = int(os.environ.get("RESULTS_CACHE_SECONDS", "30"))

SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit only knows of django-redis; Django's own Redis backend has the
    # atomic increment it needs. Without REDIS_URL (development, tests) each process
    # counts on its own, which is what a single process needs.
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]

# 12 characters at least and none of the 20,000 most common passwords (CNIL's 2022
# recommendation, ASVS level 2); the form lists these rules in French.
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
# Numbers read « 1 000 » (French: a narrow no-break space, consultation/formats) or
# « 1,000 »; numbers inside addresses and identifiers are written with `unlocalize`.
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["consultation.formats"]

# Uploaded files (workshop reports): on a disk that every application server shares.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded and built files live in the database: servers share nothing else.
    "default": {"BACKEND": "consultation.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Without `collectstatic` (tests, a local run), whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = env_bool("DJANGO_STATIC_FROM_FINDERS", default=DEBUG)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The site's public address, for the links of mails sent outside a request.
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL",
    "http://127.0.0.1:8000"
    if DEBUG or not ALLOWED_HOSTS
    else f"https://{ALLOWED_HOSTS[0]}",
).rstrip("/")

# Mail goes to the console unless an SMTP server is configured.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Trajectoires ESS <ne-pas-repondre@localhost>"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "consultation.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO"),
    },
    "filters": {
        "disallowed_host": {"()": "consultation.logging.DisallowedHostAsWarning"}
    },
    "loggers": {
        # Tracebacks go to the logs, never to visitors (DEBUG is off in production).
        "django.request": {"level": "WARNING"},
        # A scanner's made-up host is a warning, not an error with its traceback.
        "django.security.DisallowedHost": {"filters": ["disallowed_host"]},
        "axes": {"level": "WARNING"},
    },
}
