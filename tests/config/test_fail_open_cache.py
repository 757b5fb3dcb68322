"""With Redis unreachable the cache answers as if empty, and says so in the log."""

import logging
import socket

import pytest

from config.cache import FailOpenRedisCache


@pytest.fixture
def unreachable_cache():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return FailOpenRedisCache(
        f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1}}
    )


def test_reads_are_misses_and_writes_are_dropped_with_a_warning(unreachable_cache, caplog):
    cache = unreachable_cache
    with caplog.at_level(logging.WARNING, logger="linli.cache"):
        assert cache.get("visits", "fallback") == "fallback"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.has_key("a") is False
        assert cache.set("a", 1) is None
        assert cache.add("a", 1) is True  # a lock taken, not one never free
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        assert cache.delete("a") is False
        cache.delete_many(["a", "b"])
    assert len(caplog.records) == 8
    assert all("Redis unreachable" in record.getMessage() for record in caplog.records)


@pytest.mark.redis
def test_with_redis_there_it_is_an_ordinary_cache():
    from django.conf import settings as django_settings

    cache = FailOpenRedisCache(django_settings.REDIS_URL, {"KEY_PREFIX": "fail-open-test"})
    cache.set("answer", 42, timeout=30)
    assert cache.get("answer") == 42
    cache.delete("answer")
    assert cache.get("answer") is None
