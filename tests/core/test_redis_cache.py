"""The shared cache on Redis (`core.cache.RedisCache`, chosen when CACHE_URL names Redis):
Django's backend, with one client object per connection pool instead of one per call."""

import pytest
import redis

from registry.core.cache import RedisCache

URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def shared():
    try:
        redis.Redis.from_url(URL).ping()
    except redis.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI starts one)")
    cache = RedisCache(URL, {"KEY_PREFIX": "test-cache"})
    cache.clear()
    yield cache
    cache.clear()


def test_it_keeps_reads_and_forgets_values_like_django_s(shared):
    shared.set("part", ("deadline", "<p>Chi bộ</p>"), 30)
    assert shared.get("part") == ("deadline", "<p>Chi bộ</p>")
    assert shared.get_many(["part", "other"]) == {"part": ("deadline", "<p>Chi bộ</p>")}
    shared.delete("part")
    assert shared.get("part") is None
    assert shared.add("once", 1) and not shared.add("once", 2)
    assert shared.incr("once") == 2


def test_one_client_serves_every_call(shared):
    first = shared._cache.get_client(write=True)
    shared.set("a", 1)
    shared.get("a")
    assert shared._cache.get_client(write=False) is first
    assert shared._cache.get_client("any key", write=True) is first
