"""A booking waits a bounded time for the rows it locks (decision 0018).

Without a bound, a booking queued behind a stuck transaction (a slot row held by a slow
request, a programme row held by a statement approval) holds its connection and its person
for as long as that lasts. PostgreSQL's lock_timeout ends the wait with an error, the
booking's transaction rolls back whole, and the person is asked to try again."""

from django.conf import settings
from django.db import OperationalError, connection

LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout


def bound_lock_wait() -> None:
    """For the rest of the current transaction, wait at most BOOKING_LOCK_WAIT_SECONDS for
    any lock. SQLite (development) has no row locks to wait for."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('lock_timeout', %s, true)",
            [f"{settings.BOOKING_LOCK_WAIT_SECONDS * 1000}ms"],
        )


def is_lock_timeout(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == LOCK_NOT_AVAILABLE
