"""Django's Redis cache, with one client object per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` for every call (about a
tenth of a millisecond of setting up its response callbacks), and every request reads its
session through it. A `redis.Redis` holds no connection of its own and is safe to share
between threads, so one per pool does the same work. Chosen in `config/settings.py` when
`CACHE_URL` names Redis."""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisClient
