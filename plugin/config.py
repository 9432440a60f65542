"""Settings, read from ``OGSTORE_*`` environment variables only.

With no variables set, ogstore runs embedded: SQLite in the instance folder,
an in-process cache and the demo payment provider. Production sets
``OGSTORE_DATABASE_URL``, ``OGSTORE_REDIS_URL`` and a payment provider.
"""

import os
import secrets
from pathlib import Path


def _int(environ, name: str, default: int) -> int:
    value = environ.get(name)
    return int(value) if value not in (None, "") else default


def fetch_allow_from_env(environ=os.environ) -> str:
    """Hosts, IPs or CIDRs the safe fetcher treats as public (for tests and the demo)."""
    return environ.get("OGSTORE_FETCH_ALLOW", "")


def settings_from_env(instance_path: str, environ=os.environ) -> dict:
    """The app's config mapping; every key is documented in docs/deployment.md."""
    redis_url = environ.get("OGSTORE_REDIS_URL") or None
    database_url = environ.get("OGSTORE_DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "ogstore.sqlite")
    )
    cache = (
        {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
        if redis_url
        else {"CACHE_TYPE": "SimpleCache"}
    )
    return {
        # Rate limits, and the fetcher's per-host limits, count in Redis when there
        # is one (shared by every app process).
        "OGSTORE_REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "SECRET_KEY": environ.get("OGSTORE_SECRET_KEY") or _instance_secret(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Dashboards' session cookie never rides along on another site's POST (CSRF).
        "SESSION_COOKIE_SAMESITE": "Lax",
        "CACHE_DEFAULT_TIMEOUT": _int(environ, "OGSTORE_CACHE_SECONDS", 600),
        **cache,
        "OGSTORE_FETCH_ALLOW": fetch_allow_from_env(environ),
        # A checkout never uses a price read longer ago than this.
        "OGSTORE_PRICE_MAX_AGE": _int(environ, "OGSTORE_PRICE_MAX_AGE", 15 * 60),
        "OGSTORE_PAYMENT_PROVIDER": environ.get("OGSTORE_PAYMENT_PROVIDER")
        or ("stripe" if environ.get("OGSTORE_STRIPE_SECRET_KEY") else "demo"),
        "OGSTORE_STRIPE_SECRET_KEY": environ.get("OGSTORE_STRIPE_SECRET_KEY", ""),
        "OGSTORE_STRIPE_WEBHOOK_SECRET": environ.get("OGSTORE_STRIPE_WEBHOOK_SECRET", ""),
        # For Embedded Checkout in the widget (merchants opt in); hosted Checkout without it.
        "OGSTORE_STRIPE_PUBLISHABLE_KEY": environ.get("OGSTORE_STRIPE_PUBLISHABLE_KEY", ""),
        # Only for tests against a local fake of the Stripe API.
        "OGSTORE_STRIPE_API_BASE": environ.get("OGSTORE_STRIPE_API_BASE") or None,
        # ogstore's own fee on each sale, on top of the sharer's commission.
        "OGSTORE_PLATFORM_FEE_BPS": _int(environ, "OGSTORE_PLATFORM_FEE_BPS", 200),
        "OGSTORE_DEMO_WEBHOOK_SECRET": environ.get("OGSTORE_DEMO_WEBHOOK_SECRET")
        or "whsec_demo_" + secrets.token_hex(16),
        "OGSTORE_DEMO": environ.get("OGSTORE_DEMO", "1") not in ("0", "false", "no"),
        # The demo shop's domain claim (public: the demo is nobody's secret).
        "OGSTORE_DEMO_MERCHANT_CLAIM": "ogc_demo-shop",
        "OGSTORE_DEFAULT_COMMISSION_BPS": _int(environ, "OGSTORE_DEFAULT_COMMISSION_BPS", 1000),
        "OGSTORE_MAX_QUANTITY": _int(environ, "OGSTORE_MAX_QUANTITY", 10),
        # Proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
        "OGSTORE_PROXY_HOPS": _int(environ, "OGSTORE_PROXY_HOPS", 0),
        # Login links go by mail through this server; unset, they are written to the log.
        "OGSTORE_SMTP_URL": environ.get("OGSTORE_SMTP_URL", ""),
        "OGSTORE_MAIL_FROM": environ.get("OGSTORE_MAIL_FROM", "ogstore <no-reply@localhost>"),
    }


def _instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, so embedded restarts keep sessions."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()
