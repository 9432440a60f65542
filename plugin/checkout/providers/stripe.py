"""Stripe: Checkout Sessions on the merchant's connected account, with the platform's fee.

Direct charges (Stripe Connect): the session is created on the merchant's
account (``stripe_account``) and ``application_fee_amount`` brings the
commission and ogstore's fee to the platform. The buyer gets Stripe's receipt.
"""

import stripe

from plugin.checkout.providers.base import (
    CheckoutSession,
    PaymentEvent,
    SessionRequest,
    parse_stripe_shaped_event,
)
from plugin.errors import ApiError

SIGNATURE_HEADER = "Stripe-Signature"


class StripeProvider:
    name = "stripe"

    def __init__(
        self,
        secret_key: str,
        webhook_secret: str,
        api_base: str | None = None,
        publishable_key: str = "",
    ):
        bases = {"api": api_base, "connect": api_base} if api_base else None
        self.client = stripe.StripeClient(secret_key, base_addresses=bases, max_network_retries=2)
        self.webhook_secret = webhook_secret
        self.publishable_key = publishable_key
        # Embedded Checkout needs Stripe.js and a publishable key in the buyer's browser.
        self.can_embed = bool(publishable_key)

    def create_session(self, request: SessionRequest) -> CheckoutSession:
        if not request.merchant_account:
            raise ApiError(
                "merchant_not_connected", "This shop has not connected its Stripe account.", 409
            )
        metadata = {
            "order_id": request.order_id,
            "card": request.card_code,
            "sharer_id": str(request.sharer_id),
            "click_id": str(request.click_id or ""),
        }
        product = {"name": request.product_name[:250]}
        if request.image_url:
            product["images"] = [request.image_url]
        params = {
            "mode": "payment",
            "client_reference_id": request.order_id,
            "line_items": [
                {
                    "quantity": request.quantity,
                    "price_data": {
                        "currency": request.currency.lower(),
                        "unit_amount": request.unit_amount,
                        "product_data": product,
                    },
                }
            ],
            "payment_intent_data": {
                "application_fee_amount": request.application_fee,
                "metadata": metadata,
            },
            "metadata": metadata,
        }
        if request.embedded:  # Stripe's form inside the widget; back to the card when done
            params |= {"ui_mode": "embedded", "return_url": request.success_url}
        else:
            params |= {"success_url": request.success_url, "cancel_url": request.cancel_url}
        options = {
            "stripe_account": request.merchant_account,
            "idempotency_key": "ogstore-checkout-" + request.order_id,
        }
        try:
            session = self.client.v1.checkout.sessions.create(params, options)
        except stripe.StripeError as error:
            raise ApiError(
                "provider_error",
                f"Stripe could not open the checkout: {error.user_message or 'try again'}.",
                502,
            ) from None
        fields = session.to_dict()
        return CheckoutSession(
            id=fields["id"], url=fields.get("url"), client_secret=fields.get("client_secret")
        )

    def parse_webhook(self, payload: bytes, headers) -> PaymentEvent:
        return parse_stripe_shaped_event(
            payload, headers.get(SIGNATURE_HEADER), self.webhook_secret
        )

    def connect_account(
        self, account_id: str | None, *, refresh_url: str, return_url: str
    ) -> tuple[str, str]:
        """(account id, onboarding URL): an Express account for the shop, and where to set it up."""
        try:
            if account_id is None:
                account_id = self.client.v1.accounts.create({"type": "express"}).id
            link = self.client.v1.account_links.create(
                {
                    "account": account_id,
                    "refresh_url": refresh_url,
                    "return_url": return_url,
                    "type": "account_onboarding",
                }
            )
        except stripe.StripeError as error:
            raise ApiError(
                "provider_error",
                f"Stripe could not connect the account: {error.user_message or 'try again'}.",
                502,
            ) from None
        return account_id, link.url

    def send_payout(self, payout, destination: str) -> str:
        """Transfer a sharer's payout from the platform's balance to their connected account."""
        try:
            transfer = self.client.v1.transfers.create(
                {
                    "amount": payout.amount_minor,
                    "currency": payout.currency.lower(),
                    "destination": destination,
                    "metadata": {"payout_id": str(payout.id)},
                },
                {"idempotency_key": f"ogstore-payout-{payout.id}"},
            )
        except stripe.StripeError as error:
            raise ApiError(
                "provider_error",
                f"Stripe refused the transfer: {error.user_message or 'retry'}.",
                502,
            ) from None
        return transfer.id
