"""Product reads are cached in-process by default and in Redis when OGSTORE_REDIS_URL is set."""

import redis

from plugin.catalog import services as catalog
from plugin.config import settings_from_env


def test_redis_url_selects_the_redis_cache(tmp_path):
    settings = settings_from_env(str(tmp_path), {"OGSTORE_REDIS_URL": "redis://cache:6379/0"})
    assert (settings["CACHE_TYPE"], settings["CACHE_REDIS_URL"]) == (
        "RedisCache",
        "redis://cache:6379/0",
    )
    assert settings_from_env(str(tmp_path), {})["CACHE_TYPE"] == "SimpleCache"


def test_products_are_cached_in_redis(app_factory, live_server, redis_url):
    redis_app = app_factory(CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_url)
    url = live_server + "/demo/shop/products/trail-runner-backpack"
    with redis_app.test_request_context():
        snapshot = catalog.read_product(url)
    keys = redis.Redis.from_url(redis_url).keys("flask_cache_product:*")
    assert len(keys) == 1
    with redis_app.test_request_context():
        # Served from the cache: no fetch happens even with the fetcher now closed to loopback.
        redis_app.config["OGSTORE_FETCH_ALLOW"] = ""
        assert catalog.read_product(url).id == snapshot.id
