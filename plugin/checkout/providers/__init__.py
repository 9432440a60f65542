"""Payment providers behind one interface; settings choose which one the app uses.

A provider opens a checkout session for an order and turns its signed webhook
payloads into ``PaymentEvent``s. Every provider's events then take one code
path: ``checkout.services.receive_webhook``.
"""

from flask import current_app

from plugin.checkout.providers.base import PaymentProvider
from plugin.checkout.providers.demo import DemoProvider
from plugin.errors import ApiError


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (default: the configured one), if it is enabled."""
    configured = current_app.config["OGSTORE_PAYMENT_PROVIDER"]
    name = name or configured
    if name == "demo" and configured == "demo":
        return DemoProvider(current_app.config["OGSTORE_DEMO_WEBHOOK_SECRET"])
    raise ApiError("unknown_provider", f"No payment provider called {name!r} is enabled.", 404)
