"""A Redis cache that fails open: when Redis is unreachable every read is a miss and every
write is dropped, with a warning, instead of an error page (decision 0014).

What lives in the cache may be lost for a while: allauth's rate limits, counters, page
fragments. Sessions and used sign-in codes are not in it; they live in the database."""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger("linli.cache")


def _warn(operation: str) -> None:
    logger.warning("cache %s failed: Redis unreachable, carrying on without it", operation)


class FailOpenRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError:
            _warn("get")
            return default

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except RedisError:
            _warn("get_many")
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except RedisError:
            _warn("has_key")
            return False

    def set(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().set(key, value, timeout, version, **kwargs)
        except RedisError:
            _warn("set")
            return None

    def set_many(self, data, timeout=None, version=None, **kwargs):
        try:
            return super().set_many(data, timeout, version, **kwargs)
        except RedisError:
            _warn("set_many")
            return list(data)  # the keys that were not stored

    def add(self, key, value, timeout=None, version=None, **kwargs):
        try:
            return super().add(key, value, timeout, version, **kwargs)
        except RedisError:
            _warn("add")
            # As if the key were free and now taken: callers use `add` as a lock (allauth's
            # rate limits, the catalogue's renewal), and a lock that can never be taken
            # would refuse every login with "too many attempts" (decision 0024).
            return True

    def touch(self, key, timeout=None, version=None):
        try:
            return super().touch(key, timeout, version)
        except RedisError:
            _warn("touch")
            return False

    def incr(self, key, delta=1, version=None):
        # Rate-limit counters (accounts/rate_limits.py) read as zero: they do not hold
        # while Redis is gone, like allauth's.
        try:
            return super().incr(key, delta, version)
        except RedisError:
            _warn("incr")
            return 0

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except RedisError:
            _warn("delete")
            return False

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except RedisError:
            _warn("delete_many")
            return None
