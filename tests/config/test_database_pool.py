"""Under the production server connections are lent by a pool (DATABASE_POOL_SIZE): a
request's connection goes back to it when the request ends, and the next one takes it
again instead of opening a new PostgreSQL session."""

import pytest
from django.conf import settings

from tests.config.test_deploy_check import run_manage

# Six "requests": each uses the connection, then Django closes it, as at a request's end.
SIX_REQUESTS = (
    "from django.db import connection\n"
    "sessions = set()\n"
    "for _ in range(6):\n"
    "    with connection.cursor() as cursor:\n"
    "        cursor.execute('SELECT pg_backend_pid()')\n"
    "        sessions.add(cursor.fetchone()[0])\n"
    "    connection.close()\n"
    "print(len(sessions))\n"
)


def server_database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/postgres"


def sessions_for_six_requests(**env: str) -> int:
    result = run_manage(
        "shell", "--verbosity", "0", "-c", SIX_REQUESTS,
        DEBUG="true", DATABASE_URL=server_database_url(), **env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip())


@pytest.mark.postgres
def test_with_a_pool_six_requests_take_turns_on_its_open_sessions():
    # The pool lends its sessions in turn (here it had opened two), never one per request.
    assert sessions_for_six_requests(DATABASE_POOL_SIZE="4") <= 2


@pytest.mark.postgres
def test_without_one_each_request_opens_its_own():
    assert sessions_for_six_requests() == 6


def test_a_pool_size_that_is_not_a_number_stops_the_start_with_its_name():
    result = run_manage("check", DEBUG="true", DATABASE_POOL_SIZE="ten")
    assert result.returncode != 0
    assert "DATABASE_POOL_SIZE must be a whole number" in result.stderr
