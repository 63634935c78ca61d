"""The fail-open Redis cache (`consultation.cache_backends`): one redis-py client per
connection pool, made once (Django makes one at each call, which cost more than the
call), answering a real Redis server."""

from consultation.cache_backends import FailSafeRedisCache
from tests.servers import redis_server


def test_the_redis_client_is_made_once_and_serves_every_call(tmp_path):
    with redis_server(tmp_path) as url:
        backend = FailSafeRedisCache(url, {})
        client = backend._cache.get_client()
        assert backend._cache.get_client(write=True) is client
        backend.set("clé", "valeur")
        assert backend.get("clé") == "valeur"
        assert backend.get_many(["clé", "autre"]) == {"clé": "valeur"}
        assert backend._cache.get_client() is client
