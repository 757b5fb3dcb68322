"""The clock every test runs under: never the real one.

The whole run is moved to one instant, `LINLI_TEST_NOW` (ISO 8601 with an offset, default
`DEFAULT_NOW`), before Django or the database are set up, and every test starts again at
that same instant. The clock ticks from there, so timeouts and "a moment later" still work,
but no test can see the hour or the day the suite happens to be run on. `make test` runs
the suite at two instants (an afternoon, and a minute before midnight on the last day of a
month) to show that it holds at either.

Processes the tests start (the browser tests' server, the fake Stripe) follow the same
clock: `process_env()` hands them the test's "now" with the real moment it was taken, and
`follow_parent_clock()` (called by their settings) moves them there.
"""

import datetime
import os
import time

import time_machine

DEFAULT_NOW = "2026-11-18T15:00:00+08:00"
NOW_VARIABLE = "LINLI_TEST_NOW"
CHILD_NOW_VARIABLE = "LINLI_CLOCK_NOW"
CHILD_REAL_VARIABLE = "LINLI_CLOCK_REAL"


def frozen_instant() -> datetime.datetime:
    raw = os.environ.get(NOW_VARIABLE) or DEFAULT_NOW
    instant = datetime.datetime.fromisoformat(raw)
    if instant.tzinfo is None:
        raise ValueError(f"{NOW_VARIABLE} needs an offset, e.g. 2026-11-18T15:00:00+08:00")
    return instant


def real_time() -> float:
    """Seconds since the epoch on the real clock, whatever travel is in force."""
    if time_machine.escape_hatch.is_travelling():
        return time_machine.escape_hatch.time.time()
    return time.time()


_SESSION: list[time_machine.travel] = []


def start_session() -> None:
    _SESSION.append(travel_to(frozen_instant()))


def travel_to(instant: datetime.datetime) -> time_machine.travel:
    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    # time-machine starts the tick at the first read, not at start(): a process that reads
    # its clock only seconds later (a browser test's server) would stay that far behind its
    # parent, enough for a one-time sign-in code to fall in another 30 s window.
    time.time()
    return traveller


def process_env() -> dict[str, str]:
    """Environment that puts a child process on this process's clock."""
    now = datetime.datetime.now(datetime.UTC)
    return {CHILD_NOW_VARIABLE: now.isoformat(), CHILD_REAL_VARIABLE: repr(real_time())}


def follow_parent_clock() -> None:
    """In a child process: take up the parent's clock, if it handed one down."""
    if CHILD_NOW_VARIABLE not in os.environ:
        return
    parent_now = datetime.datetime.fromisoformat(os.environ[CHILD_NOW_VARIABLE])
    since = real_time() - float(os.environ[CHILD_REAL_VARIABLE])
    travel_to(parent_now + datetime.timedelta(seconds=since))
