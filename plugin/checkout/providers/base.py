"""What every payment provider offers, and the events it hands to the ledger."""

import json
from dataclasses import dataclass
from typing import Protocol

import stripe

from plugin.errors import ApiError


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class PaymentEvent:
    """A verified provider event, in the few fields the ledger needs."""

    id: str
    type: str
    session_id: str | None
    amount_total: int | None
    currency: str | None


class PaymentProvider(Protocol):
    name: str

    def create_session(self, order, *, success_url: str, cancel_url: str) -> CheckoutSession: ...

    def parse_webhook(self, payload: bytes, headers) -> PaymentEvent: ...


def parse_stripe_shaped_event(payload: bytes, signature: str | None, secret: str) -> PaymentEvent:
    """Check a Stripe-format signature with the stripe library, then read the event."""
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, tolerance=300)
        event = json.loads(payload)
        session = event["data"]["object"]
        return PaymentEvent(
            id=str(event["id"]),
            type=str(event["type"]),
            session_id=session.get("id"),
            amount_total=session.get("amount_total"),
            currency=(session.get("currency") or "").upper() or None,
        )
    except stripe.SignatureVerificationError:
        raise ApiError("invalid_signature", "The webhook signature does not verify.", 400) from None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise ApiError("invalid_event", "The webhook body is not a valid event.", 400) from None
