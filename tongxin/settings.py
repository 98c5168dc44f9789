"""Settings for 童心. Everything that differs between machines is read from the environment.

TONGXIN_DEBUG            "1" for development (default "0")
TONGXIN_SECRET_KEY       required when not in debug
TONGXIN_ALLOWED_HOSTS    comma separated (default "127.0.0.1,localhost")
DATABASE_URL             e.g. postgres://user:pass@host/db (default: SQLite file var/tongxin.sqlite3)
TONGXIN_FIELD_KEYS       comma separated Fernet keys for personal fields; the first encrypts, all decrypt
TONGXIN_HASH_KEY         key of the keyed hash used to look up ID numbers
TONGXIN_DEMO_MODE        "1" lists the demo logins on the login page
TONGXIN_HTTPS            "1" in production behind HTTPS: SSL redirect, secure cookies, HSTS
TONGXIN_HSTS_SECONDS     HSTS max-age (default one year with TONGXIN_HTTPS, else 0)
TONGXIN_PROXY_COUNT      reverse proxies in front of Django that append to X-Forwarded-For (default 0)
TONGXIN_LOGIN_FAILURE_LIMIT    failed logins per account or per address before a lockout (default 5)
TONGXIN_LOGIN_COOLOFF_MINUTES  how long a lockout lasts (default 15)
TONGXIN_CUSTODY_FEE_CAP  the county's cap on custody fees per child per day, lunch apart (default 24.00)
TONGXIN_FIGURES_EVERY_MINUTES  how often the worker recomputes the programmes' summary figures (default 60)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("TONGXIN_DEBUG")
DEMO_MODE = env_flag("TONGXIN_DEMO_MODE")

# The public development key signs sessions and, without TONGXIN_FIELD_KEYS/TONGXIN_HASH_KEY, derives the keys that
# encrypt ID numbers and phones: only a debug server or the test run may fall back to it. A demo is served
# with DEBUG off like production, so it needs keys of its own (scripts/dev.sh demo makes them once under var/).
_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("TONGXIN_SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or os.environ.get("PYTEST_VERSION"):
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured(
            "未设置 TONGXIN_SECRET_KEY：不开调试（TONGXIN_DEBUG=1）时必须设置，演示模式也不例外，"
            "否则个人信息将用公开的开发密钥加密。演示请用 scripts/dev.sh demo（首次运行时在 var/ 下生成随机密钥）。"
            " TONGXIN_SECRET_KEY must be set unless TONGXIN_DEBUG=1 (demo mode included)."
        )

ALLOWED_HOSTS = env_list("TONGXIN_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("TONGXIN_CSRF_TRUSTED_ORIGINS")

# Personal-field encryption. In development the keys are derived from the secret key so that a fresh
# checkout works; production sets its own keys and keeps them out of the database backups.
FIELD_ENCRYPTION_KEYS = env_list("TONGXIN_FIELD_KEYS")
FIELD_HASH_KEY = os.environ.get("TONGXIN_HASH_KEY", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "tongxin.audit.axes_app.AxesConfig",  # django-axes, named in Chinese
    "tongxin.orgs",
    "tongxin.people",
    "tongxin.audit",
    "tongxin.custody",
    "tongxin.care",
    "tongxin.nursery",
    "tongxin.notifications",
    "tongxin.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tongxin.audit.middleware.AuditContextMiddleware",
    # Last, as django-axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongxin.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tongxin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongxin.web.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "tongxin.wsgi.application"

_default_sqlite = BASE_DIR / "var" / "tongxin.sqlite3"
if not os.environ.get("DATABASE_URL"):
    _default_sqlite.parent.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{_default_sqlite}",
        conn_max_age=int(os.environ.get("TONGXIN_DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False

AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes): after TONGXIN_LOGIN_FAILURE_LIMIT failures within the cool-off, both the account
# (from any address) and the address (for any account) are locked for TONGXIN_LOGIN_COOLOFF_MINUTES; every try
# while locked starts the cool-off again. A successful login clears the account's and the address's failures.
# The system administrator unlocks at once in 系统管理 → 登录保护 → 登录尝试 or with `manage.py axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("TONGXIN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("TONGXIN_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tongxin.web.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "tongxin.audit.context.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log already
AXES_ENABLE_ADMIN = False  # tongxin.audit.admin shows the attempts table alone, in Chinese

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

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Our own translations of strings Django 6.1 has not translated yet (e.g. "- Select an option -").
LOCALE_PATHS = [BASE_DIR / "tongxin" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or os.environ.get("PYTEST_VERSION")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {"default": {"BACKEND": os.environ.get("TONGXIN_TASK_BACKEND", "django.tasks.backends.immediate.ImmediateBackend")}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 8

# HTTPS. In production the site is only served over HTTPS (README, 「生产部署」): TONGXIN_HTTPS=1 redirects plain HTTP,
# marks the cookies secure and sends HSTS for a year (include subdomains, preload) unless TONGXIN_HSTS_SECONDS says
# less (e.g. 3600 while trying it out). Behind a reverse proxy, TONGXIN_PROXY_COUNT is the number of proxies that
# append to X-Forwarded-For (and set X-Forwarded-Proto); the client address is taken from there, never trusted
# from a header the client could have sent itself.
HTTPS = env_flag("TONGXIN_HTTPS")
PROXY_COUNT = int(os.environ.get("TONGXIN_PROXY_COUNT", "0"))
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer's plain-HTTP health check gets its "ok", not a redirect
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("TONGXIN_HSTS_SECONDS", str(365 * 24 * 3600) if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
if PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy, in development too so that the tests and the browser walks see what production sends:
# scripts only from our static files or with the page's nonce (<script nonce="{{ csp_nonce }}">), no inline
# event handlers and no style attributes (set sizes from data attributes in static/js/tongxin.js).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGXIN_LOG_LEVEL", "WARNING")},
    # Every task's RUNNING/SUCCESSFUL line is noise in the scheduled loop's log; failures still show.
    "loggers": {"django.tasks": {"level": os.environ.get("TONGXIN_TASK_LOG_LEVEL", "WARNING")}},
}

NINJA_PAGINATION_PER_PAGE = 50

# Custody: the most a programme may charge per child per day, lunch apart (yuan).
# The site's address as people open it (https://tongxin.example.gov.cn), for the links in SMS and WeChat messages.
SITE_URL = os.environ.get("TONGXIN_SITE_URL", "").rstrip("/")
CUSTODY_FEE_CAP = os.environ.get("TONGXIN_CUSTODY_FEE_CAP", "24.00")

# Custody: how often the worker recomputes every programme's summary figures for the area overviews (minutes).
CUSTODY_FIGURES_EVERY_MINUTES = int(os.environ.get("TONGXIN_FIGURES_EVERY_MINUTES", "60"))
