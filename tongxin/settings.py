"""Settings for 童心. Everything that differs between machines is read from the environment.

TONGXIN_DEBUG            "1" for development (default "0")
TONGXIN_SECRET_KEY       required when not in debug
TONGXIN_ALLOWED_HOSTS    comma separated (default "127.0.0.1,localhost")
DATABASE_URL             e.g. postgres://user:pass@host/db (default: SQLite file var/tongxin.sqlite3)
TONGXIN_FIELD_KEYS       comma separated Fernet keys for personal fields; the first encrypts, all decrypt
TONGXIN_HASH_KEY         key of the keyed hash used to look up ID numbers
TONGXIN_DEMO_MODE        "1" lists the demo logins on the login page
TONGXIN_TASK_BACKEND     "immediate" (default: tasks run inline where they are enqueued) or "database" (queued in
                         PostgreSQL for `manage.py db_worker`; production), or a backend's import path
TONGXIN_HTTPS            "1" in production behind HTTPS: SSL redirect, secure cookies, HSTS
TONGXIN_HSTS_SECONDS     HSTS max-age (default one year with TONGXIN_HTTPS, else 0)
TONGXIN_PROXY_COUNT      reverse proxies in front of Django that append to X-Forwarded-For (default 0)
TONGXIN_LOGIN_FAILURE_LIMIT    failed logins per account or per address before a lockout (default 5)
TONGXIN_LOGIN_COOLOFF_MINUTES  how long a lockout lasts (default 15)
TONGXIN_VOLUNTEER_REGISTRATIONS_PER_HOUR  self-registrations to the volunteer pool accepted from one client address
                         within an hour (default 5); more get a 429 page
TONGXIN_CUSTODY_FEE_CAP  the county's cap on custody fees per child per day, lunch apart (default 24.00)
TONGXIN_FIGURES_EVERY_MINUTES  how often the worker recomputes the programmes' summary figures (default 60)
TONGXIN_SMS_* / TONGXIN_WECHAT_* / TONGXIN_NOTIFY_*  the notifications' SMS and WeChat channels (see their block below)
TONGXIN_SCHEDULE_SCALE   multiplies every period of `manage.py schedule` (default 1; tests and the smoke run less)
"""

import os
import re
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
    "tongxin.web.tasks_app.TasksDatabaseConfig",  # django-tasks-db (the task queue's table), named in Chinese
    "tongxin.orgs",
    "tongxin.people",
    "tongxin.audit",
    "tongxin.custody",
    "tongxin.care",
    "tongxin.nursery",
    "tongxin.volunteers",
    "tongxin.notifications",
    "tongxin.ops",
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
FORMAT_MODULE_PATH = ["tongxin.formats"]  # dates as the browser's date picker writes them
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

# Background work (Django's tasks framework; the tasks are in each app's tasks.py, `manage.py schedule` enqueues the
# periodic ones from tongxin/web/schedule.py). "immediate", the default for the tests and the SQLite demo, runs a task
# inline where it is enqueued; "database" (production: scripts/dev.sh prod, the Procfile, compose.yaml) stores it in
# the django-tasks-db table, where `manage.py db_worker` processes pick it up. The table's migrations run whichever
# backend is chosen, so switching needs no migration.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_task_backend = os.environ.get("TONGXIN_TASK_BACKEND", "").strip() or "immediate"
if _task_backend not in TASK_BACKENDS and "." not in _task_backend:
    raise ImproperlyConfigured(
        f"TONGXIN_TASK_BACKEND={_task_backend!r} 无效：应为 immediate（默认，任务在提交处立即执行）、"
        "database（任务存入数据库，由 manage.py db_worker 执行）或任务后端的导入路径。"
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(_task_backend, _task_backend)}}
# `manage.py schedule`: every period of tongxin/web/schedule.py's table multiplied by this (the smoke test's 0.05
# turns a minute into three seconds; none is shorter than a second).
try:
    SCHEDULE_SCALE = float(os.environ.get("TONGXIN_SCHEDULE_SCALE", "") or "1")
except ValueError:
    SCHEDULE_SCALE = 0.0
if not 0 < SCHEDULE_SCALE <= 100:
    raise ImproperlyConfigured("TONGXIN_SCHEDULE_SCALE 应为大于 0、不超过 100 的数（调度周期的倍数，默认 1）。")

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
# The public volunteer self-registration page (volunteers.views.register): at most this many new registrations from
# one client address (client_ip above) in any hour, counted from the registrations themselves in the database, so
# every app server sees the same count.
VOLUNTEER_REGISTRATIONS_PER_HOUR = int(os.environ.get("TONGXIN_VOLUNTEER_REGISTRATIONS_PER_HOUR", "5"))
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
    # urllib3's debug lines name the URLs the notifications' channels ask, with WeChat's app secret and tokens or
    # the phone numbers sent to: never at debug level.
    "loggers": {
        "django.tasks": {"level": os.environ.get("TONGXIN_TASK_LOG_LEVEL", "WARNING")},
        "urllib3": {"level": "INFO"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# Custody: the most a programme may charge per child per day, lunch apart (yuan).
# The site's address as people open it (https://tongxin.example.gov.cn), for the links in SMS and WeChat messages.
SITE_URL = os.environ.get("TONGXIN_SITE_URL", "").rstrip("/")
CUSTODY_FEE_CAP = os.environ.get("TONGXIN_CUSTODY_FEE_CAP", "24.00")

# Custody: how often the worker recomputes every programme's summary figures for the area overviews (minutes).
CUSTODY_FIGURES_EVERY_MINUTES = int(os.environ.get("TONGXIN_FIGURES_EVERY_MINUTES", "60"))


# Notifications: the outbound channels (tongxin/notifications/channels). A channel is on when its credentials are set;
# with none, only the in-app inbox delivers. Template maps are "kind=CODE,kind=CODE" (e.g.
# TONGXIN_SMS_TEMPLATES="custody.late_pickup=SMS_123456789"), a kind without its own template takes the default.
# Anything mis-set stops the start here, not the first send. The *_ENDPOINT/*_BASE overrides point a channel at
# the local fakes (python -m tongxin.notifications.testing.fakes); plain http is refused for any other host.
def _notify_settings(prefix: str, key: str, secret: str) -> tuple[str, str, dict[str, str], str]:
    def need(name: str) -> str:
        return os.environ.get(f"TONGXIN_{prefix}_{name}", "").strip()

    templates: dict[str, str] = {}
    for item in env_list(f"TONGXIN_{prefix}_TEMPLATES"):
        kind, _, code = (part.strip() for part in item.partition("="))
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", kind) or not re.fullmatch(r"[A-Za-z0-9_-]+", code) or kind in templates:
            raise ImproperlyConfigured(
                f"TONGXIN_{prefix}_TEMPLATES 中“{item}”无法识别：应为“通知类型=模板编号”，以英文逗号分隔，每类只写一次"
                f"（如 custody.late_pickup=SMS_123456789）。"
            )
        templates[kind] = code
    if bool(need(key)) != bool(need(secret)):
        raise ImproperlyConfigured(f"TONGXIN_{prefix}_{key} 与 TONGXIN_{prefix}_{secret} 须同时设置（或都不设置）。")
    if need(key) and not (templates or need("DEFAULT_TEMPLATE")):
        raise ImproperlyConfigured(f"已设置 TONGXIN_{prefix}_{key}，但未设置 TONGXIN_{prefix}_TEMPLATES 或 TONGXIN_{prefix}_DEFAULT_TEMPLATE。")
    return need(key), need(secret), templates, need("DEFAULT_TEMPLATE")


def _notify_url(name: str, default: str) -> str:
    url = os.environ.get(name, "").strip() or default
    match = re.fullmatch(r"(https?)://([^/?#@]+)(/[^?#]*)?", url)
    if not match or (match[1] == "http" and re.sub(r":\d+$", "", match[2]) not in {"127.0.0.1", "localhost", "[::1]"}):
        raise ImproperlyConfigured(f"{name}=“{url}”无效：应为 https:// 地址（仅本机 127.0.0.1/localhost 可用 http://）。")
    return url


def _notify_seconds(name: str, default: str) -> float:
    try:
        seconds = float(os.environ.get(name, "").strip() or default)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 60:
        raise ImproperlyConfigured(f"{name} 应为 0 到 60 之间的秒数。")
    return seconds


NOTIFY_SMS_ACCESS_KEY_ID, NOTIFY_SMS_ACCESS_KEY_SECRET, NOTIFY_SMS_TEMPLATES, NOTIFY_SMS_DEFAULT_TEMPLATE = (
    _notify_settings("SMS", "ACCESS_KEY_ID", "ACCESS_KEY_SECRET")
)
NOTIFY_SMS_SIGN_NAME = os.environ.get("TONGXIN_SMS_SIGN_NAME", "").strip()
if NOTIFY_SMS_ACCESS_KEY_ID and not NOTIFY_SMS_SIGN_NAME:
    raise ImproperlyConfigured("已设置 TONGXIN_SMS_ACCESS_KEY_ID，但未设置短信签名 TONGXIN_SMS_SIGN_NAME。")
NOTIFY_SMS_ENDPOINT = _notify_url("TONGXIN_SMS_ENDPOINT", "https://dysmsapi.aliyuncs.com")
NOTIFY_WECHAT_APP_ID, NOTIFY_WECHAT_APP_SECRET, NOTIFY_WECHAT_TEMPLATES, NOTIFY_WECHAT_DEFAULT_TEMPLATE = (
    _notify_settings("WECHAT", "APP_ID", "APP_SECRET")
)
NOTIFY_WECHAT_API_BASE = _notify_url("TONGXIN_WECHAT_API_BASE", "https://api.weixin.qq.com/")
NOTIFY_WECHAT_OAUTH_BASE = _notify_url("TONGXIN_WECHAT_OAUTH_BASE", "https://open.weixin.qq.com/connect/")
# A WeChat template names its fields itself (thing1, time2…): TONGXIN_WECHAT_FIELDS="child=thing1,place=thing2,
# time=time3,count=number4" renames the platform's template variables (child, place, time, count) to them.
NOTIFY_WECHAT_FIELDS: dict[str, str] = {}
for _item in env_list("TONGXIN_WECHAT_FIELDS"):
    _ours, _, _theirs = (part.strip() for part in _item.partition("="))
    if _ours not in {"child", "place", "time", "count"} or not re.fullmatch(r"[a-z_]+[0-9]*", _theirs):
        raise ImproperlyConfigured(f"TONGXIN_WECHAT_FIELDS 中“{_item}”无法识别：应为“变量=模板字段”，变量为 child、place、"
                                   f"time、count 之一（如 child=thing1）。")
    NOTIFY_WECHAT_FIELDS[_ours] = _theirs
NOTIFY_CONNECT_TIMEOUT = _notify_seconds("TONGXIN_NOTIFY_CONNECT_TIMEOUT", "3")
NOTIFY_READ_TIMEOUT = _notify_seconds("TONGXIN_NOTIFY_READ_TIMEOUT", "5")
# The WeChat access token (2 h, a few thousand fetches a day) is shared by every process of this machine through
# this file cache; a new token invalidates the old one 5 minutes later, so processes must not each keep their own.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "notifications": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("TONGXIN_NOTIFY_CACHE_DIR") or str(BASE_DIR / "var" / "cache" / "notifications"),
    },
}
