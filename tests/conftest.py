"""Fixtures: an app on each real database, a client, and a live server on loopback.

Every test that takes ``app`` runs twice: on SQLite and on the PostgreSQL at
127.0.0.1:5432 (database ``test``). Where PostgreSQL or Redis is unreachable,
those runs skip on a developer's machine and fail on CI (``CI=true``).
"""

import os
import shutil
import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

os.environ.setdefault("OGSTORE_SECRET_KEY", "test-secret-key")

from plugin import create_app  # noqa: E402 - after the environment it reads
from plugin.extensions import db  # noqa: E402

POSTGRES_URL = os.environ.get(
    "OGSTORE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("OGSTORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ON_CI = os.environ.get("CI", "").lower() == "true"

TEST_SETTINGS = {
    "TESTING": True,
    "OGSTORE_FETCH_ALLOW": "127.0.0.1",
    "OGSTORE_DEMO_WEBHOOK_SECRET": "whsec_test",
    "CACHE_TYPE": "SimpleCache",
    # Tests make many requests from one address; tests/test_rate_limits.py turns limits on.
    "RATELIMIT_ENABLED": False,
}


def service_unavailable(name: str, error: object):
    """Skip here, fail on CI: CI must never go green without the real service."""
    message = f"{name} is not available: {error}"
    if ON_CI:
        pytest.fail(message + " (CI requires it)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def require_service():
    """``service_unavailable`` for conftests and tests below this folder."""
    return service_unavailable


def _migrated(url: str) -> None:
    app = create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("db") / "template.sqlite"
    _migrated(f"sqlite:///{path}")
    return str(path)


@pytest.fixture(scope="session")
def postgres_schema():
    """A schema of its own in the ``test`` database, migrated once per run.

    Its own schema (not ``public``) so that two test runs on one machine never
    drop each other's tables; it is dropped at the end of the run.
    """
    schema = f"ogstore_test_{os.getpid()}"
    try:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # noqa: BLE001 - any failure to reach it means the same
        service_unavailable("PostgreSQL", error)
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    _migrated(url)
    yield url
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    names = ", ".join(t.name for t in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "ogstore.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema")
    _empty_tables(url)
    return url


@pytest.fixture
def app_factory(database_url):
    """``make(**settings)``: another app on this test's database, e.g. with a Redis cache."""

    def make(**settings):
        return create_app({**TEST_SETTINGS, "SQLALCHEMY_DATABASE_URI": database_url, **settings})

    return make


STRIPE_WEBHOOK_SECRET = "whsec_test_stripe"


@pytest.fixture
def fake_stripe():
    """A local fake of Stripe's API (tests/fake_stripe.py) that records what it is sent."""
    from fake_stripe import serve_fake_stripe

    fake, server = serve_fake_stripe()
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def stripe_settings(fake_stripe) -> dict:
    """Settings that make Stripe the provider, talking to the fake API."""
    return {
        "OGSTORE_PAYMENT_PROVIDER": "stripe",
        "OGSTORE_STRIPE_SECRET_KEY": "sk_test_ogstore",
        "OGSTORE_STRIPE_WEBHOOK_SECRET": STRIPE_WEBHOOK_SECRET,
        "OGSTORE_STRIPE_API_BASE": fake_stripe.url,
    }


@pytest.fixture
def redis_url() -> str:
    """The Redis on 127.0.0.1:6379 (database 15), emptied for the test."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.RedisError as error:
        service_unavailable("Redis", error)
    return REDIS_URL


@pytest.fixture
def app(app_factory):
    app = app_factory()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def live_server(app):
    """The app served over real HTTP on 127.0.0.1, so the safe fetcher can read its pages."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def demo(app, live_server):
    """The demo seeded against the live server: verified merchant, sharer @lena, cards."""
    from plugin.demo.seed import seed_demo

    with app.app_context():
        urls = seed_demo(live_server)
    return {"base_url": live_server, **urls}
