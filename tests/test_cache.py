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


def _age_snapshot(app, url: str, *, hours: int, name: str, etag: str | None = None) -> None:
    """Make the stored snapshot old, and mark it so we can tell a re-read from a 304."""
    from datetime import timedelta

    from plugin.catalog.models import ProductSnapshot
    from plugin.extensions import db
    from plugin.models import utcnow

    with app.app_context():
        snapshot = db.session.query(ProductSnapshot).filter_by(url=url).one()
        snapshot.fetched_at = utcnow() - timedelta(hours=hours)
        snapshot.name = name
        if etag is not None:
            snapshot.etag = etag
        db.session.commit()


def _snapshot(app, url: str):
    from plugin.catalog.models import ProductSnapshot
    from plugin.extensions import db

    with app.app_context():
        return db.session.query(ProductSnapshot).filter_by(url=url).one()


def test_refresh_revalidates_with_the_etag_and_a_changed_page_is_read_again(app, client, demo):
    url = demo["base_url"] + "/demo/shop/products/trail-runner-backpack"
    read = client.get("/api/v1/products", query_string={"url": url, "refresh": "1"})
    assert read.status_code == 200
    assert _snapshot(app, url).etag  # the demo shop sends one

    _age_snapshot(app, url, hours=1, name="marker")
    client.get("/api/v1/products", query_string={"url": url, "refresh": "1"})
    after = _snapshot(app, url)
    assert after.name == "marker"  # 304 Not Modified: nothing re-read...
    assert utcnow_minus(after.fetched_at) < 60  # ...but known fresh again

    _age_snapshot(app, url, hours=1, name="marker", etag='"an-old-version"')
    client.get("/api/v1/products", query_string={"url": url, "refresh": "1"})
    assert _snapshot(app, url).name == "Alpine Trail Runner Backpack 18L"  # 200: read again


def test_a_stale_product_is_served_while_it_refreshes_in_the_background(app, client, demo):
    import time

    url = demo["base_url"] + "/demo/shop/products/field-notebook-3pack"
    client.get("/api/v1/products", query_string={"url": url})
    _age_snapshot(app, url, hours=2, name="stale but served", etag='"an-old-version"')
    served = client.get("/api/v1/products", query_string={"url": url})
    assert served.status_code == 200
    deadline = time.monotonic() + 10
    while _snapshot(app, url).name != "Field Notebook 3-Pack" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _snapshot(app, url).name == _snapshot(app, url).data["name"]
    assert utcnow_minus(_snapshot(app, url).fetched_at) < 60


def utcnow_minus(moment) -> float:
    from plugin.models import utcnow

    return (utcnow() - moment).total_seconds()
