"""
A Redis cache that fails open: when Redis is unreachable, reads miss and writes are
skipped, so the site keeps working from the database (slower, never broken). After a
failure Redis is left alone for a few seconds instead of being retried on every call.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class _Unavailable(Exception):
    pass


class FailSafeRedisCacheClient(RedisCacheClient):
    _down_until = 0.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients, self._scripts = {}, {}

    def get_client(self, key=None, *, write=False):
        """One client per connection pool, made once: Django makes a new one at each
        call, and building a redis-py client costs more than the call itself."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def _call(self, method, *args, fallback):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return getattr(super(), method)(*args)
        except RedisError as error:
            logger.warning("Cache unavailable (%s): serving without it.", error)
            type(self)._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback()

    def add(self, key, value, timeout):
        return self._call("add", key, value, timeout, fallback=lambda: False)

    def get(self, key, default):
        return self._call("get", key, default, fallback=lambda: default)

    def set(self, key, value, timeout):
        return self._call("set", key, value, timeout, fallback=lambda: None)

    def touch(self, key, timeout):
        return self._call("touch", key, timeout, fallback=lambda: False)

    def delete(self, key):
        return self._call("delete", key, fallback=lambda: False)

    def get_many(self, keys):
        return self._call("get_many", keys, fallback=dict)

    def has_key(self, key):
        return self._call("has_key", key, fallback=lambda: False)

    def incr(self, key, delta):
        def missing():
            # What a missing key answers: callers (rate limits) start counting afresh.
            raise ValueError(f"Key {key!r} not found.")

        return self._call("incr", key, delta, fallback=missing)

    def set_many(self, data, timeout):
        return self._call("set_many", data, timeout, fallback=list)

    def delete_many(self, keys):
        return self._call("delete_many", keys, fallback=lambda: None)

    def clear(self):
        return self._call("clear", fallback=lambda: False)

    # Counters in a Redis hash (`proposals.exposures`), beyond Django's cache API.

    # One command for a whole page's fields: a pipeline of one HINCRBY each cost
    # more to build and to read back than the page it counted.
    HASH_INCREMENT = """
        for _, field in ipairs(ARGV) do redis.call('HINCRBY', KEYS[1], field, 1) end
    """

    def hash_increment(self, key, fields):
        """Add one to each of `fields` in the hash `key`, in one round trip."""

        def increment():
            client = self.get_client(key, write=True)
            script = self._scripts.get("hash_increment")
            if script is None:
                script = self._scripts["hash_increment"] = client.register_script(
                    self.HASH_INCREMENT
                )
            script(keys=[key], args=list(fields), client=client)

        return self._guarded(increment, fallback=lambda: None)

    def hash_set_aside(self, key, aside):
        """Move the hash `key` to `aside` (unless a previous one waits there) and
        return what `aside` holds, {field: count}."""

        def set_aside():
            client = self.get_client(key, write=True)
            if client.exists(key):
                client.renamenx(key, aside)
            return {
                int(field): int(count) for field, count in client.hgetall(aside).items()
            }

        return self._guarded(set_aside, fallback=dict)

    # Rate limits' counters (`consultation.security.rate_limited`): each counter is
    # added to, and given its time to live when it is new, all in one round trip.
    COUNTERS_INCREMENT = """
        local counts = {}
        for index, key in ipairs(KEYS) do
            counts[index] = redis.call('INCR', key)
            if counts[index] == 1 then redis.call('EXPIRE', key, ARGV[index]) end
        end
        return counts
    """

    def counters_increment(self, keys, timeouts):
        """Add one to each counter of `keys` (one made new lives `timeouts[i]`
        seconds); their new counts, or zeros when Redis does not answer."""

        def increment():
            client = self.get_client(keys[0], write=True)
            script = self._scripts.get("counters_increment")
            if script is None:
                script = self._scripts["counters_increment"] = client.register_script(
                    self.COUNTERS_INCREMENT
                )
            return [int(count) for count in script(keys=keys, args=timeouts)]

        return self._guarded(increment, fallback=lambda: [0] * len(keys))

    def _guarded(self, function, *, fallback):
        if time.monotonic() < self._down_until:
            return fallback()
        try:
            return function()
        except RedisError as error:
            logger.warning("Cache unavailable (%s): serving without it.", error)
            type(self)._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            return fallback()


class FailSafeRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailSafeRedisCacheClient

    def counters_increment(self, timeouts):
        """Add one to each counter named in `timeouts` ({key: seconds to live when
        new}) in one round trip; their new counts, in the same order."""
        keys = [self.make_and_validate_key(key) for key in timeouts]
        return self._cache.counters_increment(keys, list(timeouts.values()))
