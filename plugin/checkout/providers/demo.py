"""The demo provider: a checkout page with a Pay button, no network, no keys.

Paying sends a Stripe-shaped ``checkout.session.completed`` event, signed the
way Stripe signs, through the same webhook code path a real provider takes.
"""

import json
import secrets
import time

import stripe
from flask import url_for

from plugin.checkout.providers.base import (
    CheckoutSession,
    PaymentEvent,
    SessionRequest,
    parse_stripe_shaped_event,
)

SIGNATURE_HEADER = "Stripe-Signature"


class DemoProvider:
    name = "demo"
    can_embed = False
    publishable_key = ""

    def __init__(self, webhook_secret: str):
        self.webhook_secret = webhook_secret

    def create_session(self, request: SessionRequest) -> CheckoutSession:
        session_id = "cs_demo_" + secrets.token_urlsafe(18)
        return CheckoutSession(
            id=session_id,
            url=url_for("checkout.demo_checkout_page", session_id=session_id, _external=True),
        )

    def completion_event(self, order) -> tuple[bytes, dict[str, str]]:
        """The signed webhook the demo "provider" sends when the buyer pays ``order``."""
        return self.signed_event(
            "checkout.session.completed",
            {
                "id": order.provider_session_id,
                "object": "checkout.session",
                "amount_total": order.total_minor,
                "currency": order.currency.lower(),
                "payment_status": "paid",
                "payment_intent": "pi_demo_" + order.id,
                "metadata": {"order_id": order.id},
            },
        )

    def signed_event(self, event_type: str, data_object: dict) -> tuple[bytes, dict[str, str]]:
        event = {
            "id": "evt_demo_" + secrets.token_urlsafe(18),
            "object": "event",
            "created": int(time.time()),
            "type": event_type,
            "data": {"object": data_object},
        }
        payload = json.dumps(event)
        header = stripe.WebhookSignature.generate_signature_header(payload, self.webhook_secret)
        return payload.encode(), {SIGNATURE_HEADER: header}

    def send_payout(self, payout, destination: str) -> None:
        return None  # demo money: the payout report is all there is

    def parse_webhook(self, payload: bytes, headers) -> PaymentEvent:
        return parse_stripe_shaped_event(
            payload, headers.get(SIGNATURE_HEADER), self.webhook_secret
        )
