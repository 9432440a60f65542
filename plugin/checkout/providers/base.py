"""What every payment provider offers, and the events it hands to the ledger.

Events speak Stripe's shapes (``checkout.session.completed`` with a Checkout
Session object, ``charge.refunded`` with a Charge, ``charge.dispute.*`` with a
Dispute): Stripe sends them as they are, and the demo provider sends the same.
"""

from dataclasses import dataclass
from typing import Protocol

import stripe

from plugin.errors import ApiError

WEBHOOK_TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class SessionRequest:
    """Everything a provider needs to open a checkout for one order; all server-side facts."""

    order_id: str
    card_code: str
    sharer_id: int
    click_id: int | None
    product_name: str
    image_url: str | None
    unit_amount: int
    quantity: int
    currency: str
    merchant_account: str | None
    application_fee: int
    success_url: str
    cancel_url: str
    embedded: bool = False  # inside the widget, where the merchant allows it


@dataclass(frozen=True)
class CheckoutSession:
    """Where the buyer pays: a page (``url``), or an embedded form (``client_secret``)."""

    id: str
    url: str | None
    client_secret: str | None = None


@dataclass(frozen=True)
class PaymentEvent:
    """A verified provider event: its id, its type and the object it is about."""

    id: str
    type: str
    object: dict


class PaymentProvider(Protocol):
    name: str

    def create_session(self, request: SessionRequest) -> CheckoutSession: ...

    def parse_webhook(self, payload: bytes, headers) -> PaymentEvent: ...

    def send_payout(self, payout, destination: str) -> str | None:
        """Send a payout to a sharer's account; None when the provider cannot (pay it by hand)."""


def parse_stripe_shaped_event(payload: bytes, signature: str | None, secret: str) -> PaymentEvent:
    """Verify a Stripe-format signature with the stripe library, then read the event."""
    try:
        event = stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        ).to_dict()
        return PaymentEvent(
            id=str(event["id"]), type=str(event["type"]), object=event["data"]["object"]
        )
    except stripe.SignatureVerificationError:
        raise ApiError("invalid_signature", "The webhook signature does not verify.", 400) from None
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError):
        raise ApiError("invalid_event", "The webhook body is not a valid event.", 400) from None
