"""The suite's clock (tests/clock.py): every test starts at the chosen instant, whatever the
hour it is run at, and the processes a test starts keep its time."""

import datetime
import os
import subprocess
import sys

from django.conf import settings
from django.utils import timezone

from tests import clock


def test_every_test_starts_at_the_chosen_instant_not_at_the_real_hour():
    started = timezone.now()

    assert abs(started - clock.frozen_instant()) < datetime.timedelta(seconds=5)
    assert abs(clock.real_time() - started.timestamp()) > 60


def test_the_clock_ticks_on_from_there():
    first = timezone.now()
    later = timezone.now()

    assert later > first


def test_a_process_the_test_starts_keeps_the_tests_time():
    code = (
        "import datetime; from tests.clock import follow_parent_clock; follow_parent_clock(); "
        "print(datetime.datetime.now(datetime.UTC).isoformat())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **clock.process_env(), "PYTHONPATH": str(settings.BASE_DIR)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

    child_now = datetime.datetime.fromisoformat(result.stdout.strip())
    assert abs(child_now - timezone.now()) < datetime.timedelta(seconds=10)


def test_an_instant_without_an_offset_is_refused(monkeypatch):
    monkeypatch.setenv(clock.NOW_VARIABLE, "2026-11-18T15:00:00")

    try:
        clock.frozen_instant()
    except ValueError as refusal:
        assert clock.NOW_VARIABLE in str(refusal)
    else:
        raise AssertionError("a local time without an offset was accepted")
