"""The fail-open Redis cache (`consultation.cache_backends`): one redis-py client per
connection pool, made once (Django makes one at each call, which cost more than the
call), answering a real Redis server."""

import os
import shutil
import socket
import subprocess
import time

import pytest

from consultation.cache_backends import FailSafeRedisCache
from tests.servers import closed_port


@pytest.fixture
def redis_url(tmp_path):
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing in CI")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis)")
    port = closed_port()
    server = subprocess.Popen(  # noqa: S603 - the local binary, our arguments
        [binary, "--port", str(port), "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_redis_client_is_made_once_and_serves_every_call(redis_url):
    backend = FailSafeRedisCache(redis_url, {})
    client = backend._cache.get_client()
    assert backend._cache.get_client(write=True) is client
    backend.set("clé", "valeur")
    assert backend.get("clé") == "valeur"
    assert backend.get_many(["clé", "autre"]) == {"clé": "valeur"}
    assert backend._cache.get_client() is client
