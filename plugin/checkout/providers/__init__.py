"""Payment providers behind one interface; settings choose which one the app uses.

A provider opens a checkout session for an order and turns its signed webhook
payloads into ``PaymentEvent``s. Every provider's events then take one code
path: ``checkout.services.receive_webhook``.
"""

from flask import current_app

from plugin.checkout.providers.base import PaymentProvider
from plugin.checkout.providers.demo import DemoProvider
from plugin.checkout.providers.stripe import StripeProvider
from plugin.errors import ApiError


def get_provider(name: str | None = None) -> PaymentProvider:
    """The provider called ``name`` (default: the configured one), if it is enabled."""
    configured = current_app.config["OGSTORE_PAYMENT_PROVIDER"]
    name = name or configured
    config = current_app.config
    if name == configured == "demo":
        return DemoProvider(config["OGSTORE_DEMO_WEBHOOK_SECRET"])
    if name == configured == "stripe":
        return StripeProvider(
            config["OGSTORE_STRIPE_SECRET_KEY"],
            config["OGSTORE_STRIPE_WEBHOOK_SECRET"],
            api_base=config["OGSTORE_STRIPE_API_BASE"],
            publishable_key=config["OGSTORE_STRIPE_PUBLISHABLE_KEY"],
        )
    raise ApiError("unknown_provider", f"No payment provider called {name!r} is enabled.", 404)
