"""Product reads are cached in-process by default and in Redis when OGSTORE_REDIS_URL is set."""

import redis as redis_client
from conftest import REDIS_URL, TEST_SETTINGS, service_unavailable

from plugin import create_app
from plugin.catalog import services as catalog
from plugin.config import settings_from_env


def test_redis_url_selects_the_redis_cache(tmp_path):
    settings = settings_from_env(str(tmp_path), {"OGSTORE_REDIS_URL": "redis://cache:6379/0"})
    assert (settings["CACHE_TYPE"], settings["CACHE_REDIS_URL"]) == (
        "RedisCache",
        "redis://cache:6379/0",
    )
    assert settings_from_env(str(tmp_path), {})["CACHE_TYPE"] == "SimpleCache"


def test_products_are_cached_in_redis(database_url, live_server, app):
    try:
        redis_client.Redis.from_url(REDIS_URL).flushdb()
    except redis_client.RedisError as error:
        service_unavailable("Redis", error)
    redis_app = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL,
        }
    )
    url = live_server + "/demo/shop/products/trail-runner-backpack"
    with redis_app.test_request_context():
        snapshot = catalog.read_product(url)
    keys = redis_client.Redis.from_url(REDIS_URL).keys("flask_cache_product:*")
    assert len(keys) == 1
    with redis_app.test_request_context():
        # Served from the cache: no fetch happens even with the fetcher now closed to loopback.
        redis_app.config["OGSTORE_FETCH_ALLOW"] = ""
        assert catalog.read_product(url).id == snapshot.id
