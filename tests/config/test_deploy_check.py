"""The production profile is checked in a fresh process: settings are read at import."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py in a process that sees only the given variables (the test run's own
    settings live in os.environ and must not leak into the profile under test)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "linli.example.cn",
    "DATABASE_URL": "postgres://linli@db.internal:5432/linli",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "BEHIND_PROXY": "true",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.internal",
}


def test_the_production_profile_passes_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_production_profile_queues_background_work_and_shares_redis():
    code = (
        "from django.conf import settings as s;"
        "print(s.TASKS['default']['BACKEND']);"
        "print(s.CHANNEL_LAYERS['default']['BACKEND']);"
        "print(s.CACHES['default']['BACKEND'])"
    )
    result = run_manage("shell", "--verbosity", "0", "-c", code, **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django_tasks_db.DatabaseBackend",
        "channels_redis.core.RedisChannelLayer",
        "config.cache.FailOpenRedisCache",
    ]


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = run_manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_malformed_boolean_is_an_error_not_a_guess():
    result = run_manage("check", **{**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_with_nothing_set_but_debug_the_site_runs_on_the_embedded_parts():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CHANNEL_LAYERS['default']['BACKEND']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.TASKS['default']['BACKEND'])"
    )
    result = run_manage("shell", "--verbosity", "0", "-c", code, DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.tasks.backends.immediate.ImmediateBackend",
    ]


def test_production_without_smtp_fails_the_deploy_check_loudly():
    env = {k: v for k, v in PRODUCTION.items() if not k.startswith("EMAIL_")}
    result = run_manage("check", "--deploy", **env)

    assert result.returncode != 0
    assert "mail.E001" in result.stderr
