"""Linli settings, read from the environment.

With nothing set but DEBUG=true the site runs on embedded parts (SQLite, in-memory
channel layer, local-memory cache, immediate background tasks), so a new machine needs
no services. Production sets DATABASE_URL, REDIS_URL, SECRET_KEY and the rest; see
.env.example for every variable.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import csp

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A development key is fine for a laptop; production must bring its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "linli-development-only-not-secret"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Links in e-mails follow the host and port `make run` serves (its HOST and PORT), unless
# SITE_URL says where the site is reached.
_served_host = env_str("HOST", "127.0.0.1")
SITE_URL = env_str(
    "SITE_URL",
    f"http://{'127.0.0.1' if _served_host in ('', '0.0.0.0') else _served_host}"
    f":{env_str('PORT', '8000')}",
)

INSTALLED_APPS = [
    # Daphne first: its runserver serves HTTP and WebSockets from one process.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "channels",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "communities",
    "accounts",
    "providers",
    "marketplace",
    "assessments",
    "billing",
    "orders",
    "care",
    "statements",
    "reviews",
    "cms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.limits.RequestBodyCapMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.csp.PerPathContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "accounts.middleware.RefuseNullCharactersMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireSecondFactorMiddleware",
    "accounts.middleware.WorkspaceOnlyForStaffMiddleware",
    "cms.middleware.PagesInScopeMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
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
                "config.context_processors.site_chrome",
            ],
        },
    },
]

# Database: SQLite for a first run; PostgreSQL (DATABASE_URL) everywhere that matters.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'linli.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
# Under ASGI a request may run in any thread, so connections are not kept per thread
# (DATABASE_CONN_MAX_AGE stays 0) but lent by a pool in each server process: opening one
# per request held the home page to 171 req/s against 235 with a pool (bench/README.md).
# Off when 0, as on SQLite.
DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 0)
if DATABASE_POOL_SIZE > 0 and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        "timeout": 10,  # seconds a request waits for a free connection before failing
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis carries the channel layer and the cache (allauth's rate limits live in the
# cache, so several app servers must share it). Unset: in-process versions.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Open sockets join their groups again this often (accounts.live_socket): long before the
# groups expire, and soon enough after Redis restarted empty to pick the page up again.
LIVE_REJOIN_SECONDS = 60
# A channel leaves its groups this long after it last joined: a server that died leaves its
# sockets' channels behind for at most this long, not the layer's default day (decision 0023).
LIVE_GROUP_EXPIRY_SECONDS = 15 * 60
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 reads with a 5 s socket timeout by default, which races the
                # layer's own 5 s blocking pop: every few seconds a consumer died with
                # "Timeout reading from Redis" and its page missed its events
                # (bench/fanout.py; django/channels_redis#422, redis/redis-py#4091).
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": env_str("REDIS_PREFIX", "linli"),
                "group_expiry": LIVE_GROUP_EXPIRY_SECONDS,
            },
        }
    }
    CACHES = {
        "default": {
            # Fails open: with Redis gone the site still answers (decision 0014).
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("REDIS_PREFIX", "linli"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: immediate while developing, a database queue (run `manage.py
# db_worker`) in production, so a slow e-mail never holds up a request.
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate" if DEBUG else "database")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in the database, read through the cache (Redis when configured): every
# app server sees every session, and most requests do not touch the table.
# In the database only: a logout must end the session even while Redis is unreachable
# (decision 0014).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:home"
SITE_ID = 1

# allauth: e-mail is the login; an address must be verified before it is trusted.
# Its rate limits (failed logins, sign-ups, e-mails) stay at their defaults: on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[邻里 Linli] "
ACCOUNT_ADAPTER = "config.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
if DEBUG:
    # The demo's staff have no authenticator app at hand: this code is accepted as theirs.
    MFA_TOTP_INSECURE_BYPASS_CODE = env_str("DEMO_TOTP_CODE", "123456")
MFA_TOTP_ISSUER = "Linli 邻里"

# Language comes from the person's choice (saved on the account, or a cookie), not the
# URL and not the browser: Chinese unless they switch. See docs/decisions/0002.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
    # Providers' certificates and other papers: never served directly, only through
    # views that check who is asking.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")),
            "base_url": "/no-public-url/",
        },
    },
}
MEDIA_URL = "/media/"
# Public uploads (photos) are served by Django itself in the demo and on small sites; a
# deployment behind a web server that serves MEDIA_ROOT at /media/ turns this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
PROVIDER_DOCUMENT_MAX_BYTES = env_int("PROVIDER_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
# No request body may be larger, files included: refused with 413 before it is read
# (config/limits.py). Room for a review's photos or three documents, and no more.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 31 * 1024 * 1024)

# Wagtail: pages in both languages, admin under /cms-admin/.
WAGTAIL_SITE_NAME = "邻里 Linli"
# The admin's home asks releases.wagtail.org for a newer version: a district's server may
# have no way out, and the Content-Security-Policy refuses the request anyway.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
# Pictures uploaded in the admin lose their EXIF and GPS position (decision 0018).
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.image_forms.MetadataFreeImageForm"

# E-mail: printed to the console unless an SMTP server is configured; in the demo (DEBUG)
# only the readable part of each message is printed.
_console_mail = "linli.console_mail" if DEBUG else "django.core.mail.backends.console"
_email_backend = env_str("EMAIL_BACKEND", f"{_console_mail}.EmailBackend")
_email_options = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER", ""),
        "password": env_str("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", default=False),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "邻里 Linli <noreply@linli.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Stripe: the local fake server by default, so a demo can pay end to end offline.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "http://127.0.0.1:8420")
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "sk_test_linli_local")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "pk_test_linli_local")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "whsec_linli_local")
# Connected accounts' events (account.updated) come from a second endpoint with its own secret.
STRIPE_CONNECT_WEBHOOK_SECRET = env_str("STRIPE_CONNECT_WEBHOOK_SECRET", "")
# Stripe.js must come from Stripe in production (card data never touches our servers);
# the local fake serves a stand-in so the demo and tests need no internet.
STRIPE_JS_URL = env_str("STRIPE_JS_URL", STRIPE_API_BASE.rstrip("/") + "/js.stripe.com/v3/")
# What the Payment Element offers: cards always; Alipay and WeChat Pay once they are switched
# on in the Stripe dashboard for this account's country and currency (decision 0010).
STRIPE_PAYMENT_METHOD_TYPES = env_list("STRIPE_PAYMENT_METHOD_TYPES", ["card"])
_KNOWN_PAYMENT_METHOD_TYPES = {"card", "alipay", "wechat_pay"}
if "card" not in STRIPE_PAYMENT_METHOD_TYPES or not set(STRIPE_PAYMENT_METHOD_TYPES) <= (
    _KNOWN_PAYMENT_METHOD_TYPES
):
    raise ImproperlyConfigured(
        "STRIPE_PAYMENT_METHOD_TYPES must include card and may add alipay and wechat_pay, "
        f"not {STRIPE_PAYMENT_METHOD_TYPES!r}"
    )
# A payer waits on the page while Stripe answers, and no database connection is held
# meanwhile: seconds per try, and how many times a lost or failed request is tried again
# (the same idempotency key each time, so a retry never charges twice).
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 8)
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 1)
if not 1 <= STRIPE_TIMEOUT_SECONDS <= 10 or not 0 <= STRIPE_MAX_NETWORK_RETRIES <= 3:
    raise ImproperlyConfigured(
        "STRIPE_TIMEOUT_SECONDS must be 1-10 and STRIPE_MAX_NETWORK_RETRIES 0-3: the payer "
        "waits for every try"
    )

# Behind a load balancer that terminates TLS; all of it off while developing on http.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
    # Rate limits count per client address, which the proxy puts in X-Forwarded-For.
    ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy: strict on our pages, looser in Wagtail's admin (decision 0018).
SECURE_CSP = csp.strict_policy(stripe_js_url=STRIPE_JS_URL, stripe_api_base=STRIPE_API_BASE)
SECURE_CSP_WORKSPACE = csp.workspace_policy(SECURE_CSP)
X_FRAME_OPTIONS = "DENY"  # Wagtail marks its own preview views SAMEORIGIN

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Every background task and page edit logs a line at INFO; keep the console readable.
    "loggers": {
        name: {"level": env_str("LOG_LEVEL_NOISY", "WARNING")}
        for name in ("django.tasks", "django_tasks", "wagtail", "modelsearch")
    },
}

# Staff, purchaser officers and admins act on other people's data anywhere on the site
# (staff screens, but also order pages): until they have a second factor, only these
# paths stay open to them, so they can set one up.
SECOND_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/",
    "/prefs/",
    "/static/",
    "/media/",
    "/stripe/webhook/",
    "/csp-report/",
)

# Larger text and no pop-ups for elderly users; remembered like the language.
ELDER_MODE_COOKIE = "linli_elder_mode"
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False  # passwords are managed through allauth
# No avatars from gravatar.com: it would learn which staff open the workspace (a hash of
# their e-mail), and the CSP lets no image in from outside (decision 0018).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# The order's clock: how long providers have to answer, how long an unpaid order keeps its
# place, when a completed order closes by itself, when a missed visit raises an alarm.
ORDER_ANSWER_WITHIN_HOURS = env_int("ORDER_ANSWER_WITHIN_HOURS", 12)
ORDER_PAYMENT_WITHIN_MINUTES = env_int("ORDER_PAYMENT_WITHIN_MINUTES", 30)
ORDER_AUTO_CLOSE_HOURS = env_int("ORDER_AUTO_CLOSE_HOURS", 72)
MISSED_VISIT_ALERT_MINUTES = env_int("MISSED_VISIT_ALERT_MINUTES", 30)
# A visit outside these limits needs community staff's review before it is billed (ADR 0019):
# shorter than this share of the booked time, longer than that share, or checked in further
# than this from the booked start.
VISIT_SHORTEST_PERCENT = env_int("VISIT_SHORTEST_PERCENT", 50)
VISIT_LONGEST_PERCENT = env_int("VISIT_LONGEST_PERCENT", 200)
VISIT_CHECK_IN_WITHIN_MINUTES = env_int("VISIT_CHECK_IN_WITHIN_MINUTES", 60)
# Needs assessments: how long one holds, how far back one may be dated, when to remind.
ASSESSMENT_VALID_MONTHS = env_int("ASSESSMENT_VALID_MONTHS", 12)
ASSESSMENT_BACKDATE_DAYS = env_int("ASSESSMENT_BACKDATE_DAYS", 30)
ASSESSMENT_REMINDER_DAYS = env_int("ASSESSMENT_REMINDER_DAYS", 30)
# A provider may contest an excluded line this many days after the statement's approval
# (decision 0035).
STATEMENT_CONTEST_DAYS = env_int("STATEMENT_CONTEST_DAYS", 30)
# Care plans make their visits this many weeks ahead (care/occurrences.py).
CARE_PLAN_WEEKS_AHEAD = env_int("CARE_PLAN_WEEKS_AHEAD", 4)
# A booking waits at most this long for rows another transaction holds, then asks the
# person to try again (orders/lock_wait.py).
BOOKING_LOCK_WAIT_SECONDS = env_int("BOOKING_LOCK_WAIT_SECONDS", 3)
# The platform keeps this share of what residents pay; the rest goes to the provider.
PLATFORM_FEE_PERCENT = env_int("PLATFORM_FEE_PERCENT", 0)
# A refund Stripe has not settled is tried again after REFUND_RETRY_MINUTES, doubling each
# time; after REFUND_MAX_ATTEMPTS tries it is handed to community staff (decision 0025).
REFUND_RETRY_MINUTES = env_int("REFUND_RETRY_MINUTES", 15)
REFUND_MAX_ATTEMPTS = env_int("REFUND_MAX_ATTEMPTS", 5)
# Community staff answer a complaint within this time, or it is flagged to the street.
COMPLAINT_RESPONSE_HOURS = env_int("COMPLAINT_RESPONSE_HOURS", 48)
# The share of subsidised visits whose family is asked "did it happen as recorded?" (回访).
FEEDBACK_SAMPLE_PERCENT = env_int("FEEDBACK_SAMPLE_PERCENT", 10)

# Statements as PDF embed a Chinese font (the OS package fonts-noto-cjk; the number picks
# Simplified Chinese inside the font collection). PDF_CJK_FONT names another one.
PDF_CJK_FONTS = [
    (path, index)
    for path, index in [
        (env_str("PDF_CJK_FONT", ""), env_int("PDF_CJK_FONT_INDEX", 0)),
        ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
        ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
        ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ]
    if path
]
