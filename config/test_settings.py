"""Test settings: the real PostgreSQL and Redis when they answer, embedded parts otherwise.

DATABASE_URL / REDIS_URL win when set; else the machine's local defaults are tried.
Under CI=true a missing service is an error, never a quiet fallback.
"""

import os
import socket
import time

CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _answers(host: str, port: int) -> bool:
    # Under CI a busy machine may take more than a second to accept: ask a few times
    # before calling the part missing (which fails the run).
    for attempt in range(5 if CI else 1):
        try:
            with socket.create_connection((host, port), timeout=2):
                return True
        except OSError:
            if attempt < 4 and CI:
                time.sleep(1)
    return False


if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/linli"
# Database 9, so that flushing the test cache never touches a developer's data in 0.
if "REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/9"

os.environ.setdefault("SECRET_KEY", "linli-tests-only-not-secret")
os.environ["DEBUG"] = "false"
os.environ["HTTPS"] = "false"
# Immediate tasks: a test sees the effect of a task in the same transaction it enqueued
# it from (after commit, as in production). tests/reliability runs the real worker.
os.environ["TASKS_BACKEND"] = "immediate"
os.environ["REDIS_PREFIX"] = "linli-test"

from config.settings import *  # noqa: E402, F403
from config.settings import DATABASES, REDIS_URL  # noqa: E402

USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
USING_REDIS = bool(REDIS_URL)

if CI and not (USING_POSTGRES and USING_REDIS):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "CI=true but PostgreSQL or Redis is not reachable "
        f"(PostgreSQL: {USING_POSTGRES}, Redis: {USING_REDIS}); CI must test the real parts."
    )

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
# Static files straight from the source folders; nothing is collected before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
