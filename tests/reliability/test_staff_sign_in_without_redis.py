"""Staff sign in with their one-time code while Redis is unreachable, and a used code is
still refused (decision 0024).

The cache really points at a closed port: every cache call meets a refused connection and
the fail-open cache (decision 0014) carries on without it. Before, allauth's rate-limit
lock (`cache.add`) could never be taken, so the password step answered "too many
attempts", and the used code was marked in the cache, which refused every code."""

import logging
import socket

import pytest
from django.test import override_settings

from tests.accounts.test_used_totp_codes import code_at, now_counter, sign_in, signed_in


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_gone(caplog):
    cache = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    with caplog.at_level(logging.WARNING, logger="linli.cache"), override_settings(CACHES=cache):
        yield caplog


@pytest.mark.django_db
def test_staff_sign_in_with_a_correct_code_while_redis_is_unreachable(
    client, community_staff, redis_gone
):
    response = sign_in(client, community_staff, code_at(now_counter()))

    assert response.status_code == 302
    assert signed_in(client)
    assert client.get("/cms-admin/").status_code == 200
    # Redis was really asked, and really absent.
    assert any("Redis unreachable" in r.getMessage() for r in redis_gone.records)


@pytest.mark.django_db
def test_a_used_code_is_still_refused_while_redis_is_unreachable(
    client, community_staff, redis_gone
):
    code = code_at(now_counter())
    sign_in(client, community_staff, code)
    client.logout()

    again = sign_in(client, community_staff, code)

    assert again.status_code == 200
    assert not signed_in(client)
