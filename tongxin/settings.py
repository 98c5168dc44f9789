"""Settings for 童心. Everything that differs between machines is read from the environment.

TONGXIN_DEBUG            "1" for development (default "0")
TONGXIN_SECRET_KEY       required when not in debug
TONGXIN_ALLOWED_HOSTS    comma separated (default "127.0.0.1,localhost")
DATABASE_URL             e.g. postgres://user:pass@host/db (default: SQLite file var/tongxin.sqlite3)
TONGXIN_FIELD_KEYS       comma separated Fernet keys for personal fields; the first encrypts, all decrypt
TONGXIN_HASH_KEY         key of the keyed hash used to look up ID numbers
TONGXIN_DEMO_MODE        "1" lists the demo logins on the login page
TONGXIN_CUSTODY_FEE_CAP  the county's cap on custody fees per child per day, lunch apart (default 24.00)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("TONGXIN_SECRET_KEY") or ""
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or os.environ.get("PYTEST_VERSION"):
        SECRET_KEY = _DEV_SECRET
    else:
        raise ImproperlyConfigured("TONGXIN_SECRET_KEY must be set when TONGXIN_DEBUG is off")

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
    "tongxin.orgs",
    "tongxin.people",
    "tongxin.audit",
    "tongxin.custody",
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
    "tongxin.audit.middleware.AuditContextMiddleware",
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
SESSION_COOKIE_SECURE = env_flag("TONGXIN_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = 60 * 60 * 8

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGXIN_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Custody: the most a programme may charge per child per day, lunch apart (yuan).
CUSTODY_FEE_CAP = os.environ.get("TONGXIN_CUSTODY_FEE_CAP", "24.00")
