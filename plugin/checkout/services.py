"""The rules of buying: the server prices every order, and each payment counts once.

Prices come from the product snapshot (re-read when older than the limit),
never from the request. Provider events are applied once each (the
``WebhookEvent`` ledger) and every handler is safe to repeat.
"""

import logging
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from plugin import money
from plugin.catalog import services as catalog
from plugin.checkout import ledger
from plugin.checkout.models import Order, WebhookEvent
from plugin.checkout.providers import get_provider
from plugin.checkout.providers.base import PaymentEvent, SessionRequest
from plugin.errors import ApiError
from plugin.extensions import db
from plugin.models import utcnow
from plugin.sharing import services as sharing

log = logging.getLogger(__name__)


def _quantity(value: object) -> int:
    limit = current_app.config["OGSTORE_MAX_QUANTITY"]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise ApiError("invalid_quantity", f"Quantity is a whole number from 1 to {limit}.", 422)
    return value


def _idempotency_key(value: str | None) -> str | None:
    if value is not None and not 1 <= len(value) <= 255:
        raise ApiError("invalid_idempotency_key", "An Idempotency-Key is 1-255 characters.", 400)
    return value


def start_checkout(
    card_code: object,
    quantity: object = 1,
    variant: object = None,
    click_id: object = None,
    idempotency_key: str | None = None,
    embedded: bool = False,
) -> Order:
    """A pending order for the card's product and a provider session to pay it.

    ``embedded``: the caller (the widget) can show the provider's form itself; it
    gets one where the merchant allows it and the provider offers it.
    """
    idempotency_key = _idempotency_key(idempotency_key)
    if idempotency_key:
        earlier = db.session.scalar(select(Order).filter_by(idempotency_key=idempotency_key))
        if earlier is not None:
            return earlier
    card = sharing.get_card(card_code)
    quantity = _quantity(quantity)
    snapshot, price_moved = catalog.fresh_snapshot(catalog.get_snapshot(card.product_id))
    if not snapshot.merchant.is_verified:
        raise ApiError("merchant_not_verified", "This shop does not sell through ogstore yet.", 409)
    sku, price, currency, availability = _priced_item(snapshot, variant)
    click = sharing.click_of_card(card, click_id)
    if click is not None:  # the merchant's attribution rule may credit an earlier card
        merchant = snapshot.merchant
        click = sharing.attributed_click(
            click, snapshot.id, merchant.attribution, merchant.attribution_window_days
        )
        card = sharing.card_by_id(click.card_id)
    if price_moved:
        raise ApiError(
            "price_changed",
            "The price changed since the page was shown; here is the new one.",
            409,
            price=money.major_str(price, currency),
            currency=currency,
        )
    if availability in catalog.UNAVAILABLE:
        raise ApiError("out_of_stock", "This product is not available right now.", 409)
    order = Order(
        id="ord_" + secrets.token_urlsafe(12),
        card_id=card.id,
        sharer_id=card.sharer_id,
        click_id=click.id if click else None,
        product_id=snapshot.id,
        merchant_id=snapshot.merchant_id,
        product_name=snapshot.name or snapshot.url,
        sku=sku,
        quantity=quantity,
        unit_price_minor=price,
        currency=currency,
        total_minor=price * quantity,
        provider=current_app.config["OGSTORE_PAYMENT_PROVIDER"],
        idempotency_key=idempotency_key,
    )
    merchant = snapshot.merchant
    images = snapshot.data.get("images") or [None]
    provider = get_provider()
    session = provider.create_session(
        SessionRequest(
            order_id=order.id,
            card_code=card.code,
            sharer_id=card.sharer_id,
            click_id=order.click_id,
            product_name=order.product_name,
            image_url=images[0],
            unit_amount=price,
            quantity=quantity,
            currency=currency,
            merchant_account=merchant.stripe_account_id,
            application_fee=platform_fee(order.total_minor, merchant.commission_bps),
            success_url=card_url(order, paid=True),
            cancel_url=card_url(order),
            embedded=embedded and merchant.embedded_checkout and provider.can_embed,
        )
    )
    order.provider_session_id = session.id
    order.checkout_url = session.url
    order.checkout_client_secret = session.client_secret
    db.session.add(order)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent retry with the same Idempotency-Key won
        db.session.rollback()
        return db.session.scalars(select(Order).filter_by(idempotency_key=idempotency_key)).one()
    return order


def platform_fee(total_minor: int, commission_bps: int) -> int:
    """What the platform keeps from a sale: the sharer's commission plus ogstore's fee."""
    return total_minor * (commission_bps + current_app.config["OGSTORE_PLATFORM_FEE_BPS"]) // 10_000


def _priced_item(snapshot, variant: object) -> tuple[str | None, int, str, str | None]:
    """(sku, unit price in minor units, currency, availability) of what is bought."""
    if variant is None:
        if any(
            offer.get("sku") and offer.get("attributes")
            for offer in snapshot.data.get("offers", [])
        ):
            raise ApiError("variant_required", "Choose an option (size, colour…) first.", 422)
        sku, availability = snapshot.data.get("sku"), snapshot.availability
        price, currency = snapshot.price_minor, snapshot.currency
    else:
        offer = catalog.find_offer(snapshot, variant) if isinstance(variant, str) else None
        if offer is None:
            raise ApiError("unknown_variant", "This product has no such variant.", 422)
        sku, availability = offer["sku"], offer.get("availability")
        currency = offer.get("currency") or snapshot.currency
        price = catalog.price_minor(offer.get("price"), currency)
    if price is None or price <= 0 or currency is None:
        raise ApiError("not_buyable", "The shop's page gives no price for this product.", 409)
    return sku, price, currency, availability


def get_order(order_id: str) -> Order:
    order = db.session.get(Order, order_id)
    if order is None:
        raise ApiError("order_not_found", "No such order.", 404)
    return order


def card_url(order: Order, *, paid: bool = False) -> str:
    """The card the order was bought from: where the buyer returns, paid or not."""
    code = sharing.card_by_id(order.card_id).code
    query = {"order": order.id} if paid else {}
    return url_for("sharing.card_page", code=code, _external=True, **query)


def order_for_session(session_id: str) -> Order:
    order = db.session.scalar(select(Order).filter_by(provider_session_id=session_id))
    if order is None:
        raise ApiError("session_not_found", "No checkout session has that id.", 404)
    return order


def receive_webhook(provider_name: str, payload: bytes, headers) -> str:
    """Verify a provider's webhook and apply it once. Every provider comes through here."""
    provider = get_provider(provider_name)
    return record_payment_event(provider.name, provider.parse_webhook(payload, headers))


def record_payment_event(provider: str, event: PaymentEvent) -> str:
    """Apply ``event`` unless the ledger has it already; returns what happened.

    Handlers record facts (paid, amount refunded so far, dispute status) and then
    ``_settle_commission`` derives the commission from all facts, so events may
    come twice or in any order and the result is the same.
    """
    db.session.add(WebhookEvent(provider=provider, event_id=event.id, type=event.type))
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return "duplicate"
    handler = _HANDLERS.get(event.type)
    order = _order_of(event.object) if handler else None
    if handler is None:
        outcome = "ignored"
    elif order is None:
        log.warning("payment event %s names no order of ours", event.id)
        outcome = "unknown_order"
    else:
        outcome = handler(order, event.object)
    try:
        db.session.commit()
    except IntegrityError:  # another event booked the same order's commission just now
        db.session.rollback()
        raise ApiError("conflict", "A concurrent event changed this order; retry.", 409) from None
    return outcome


def _order_of(obj: dict) -> Order | None:
    """The order a provider object is about: by our id in its metadata, else by the payment."""
    order_id = (obj.get("metadata") or {}).get("order_id")
    order = db.session.get(Order, order_id) if isinstance(order_id, str) else None
    if order is None and obj.get("object") == "checkout.session":
        order = db.session.scalar(select(Order).filter_by(provider_session_id=obj.get("id")))
    payment = obj.get("payment_intent")
    if order is None and isinstance(payment, str):
        order = db.session.scalar(select(Order).filter_by(provider_payment_id=payment))
    if order is not None and isinstance(payment, str):
        order.provider_payment_id = payment
    return order


def _session_paid(order: Order, session: dict) -> str:
    if session.get("payment_status") == "unpaid":  # an asynchronous method: wait for its event
        return "awaiting_payment"
    if order.paid_at is not None:
        return "already_paid"
    currency = (session.get("currency") or "").upper()
    if (session.get("amount_total"), currency) != (order.total_minor, order.currency):
        log.warning("payment for order %s does not match its total", order.id)
        order.status = "amount_mismatch"
        return "amount_mismatch"
    buyer = (session.get("customer_details") or {}).get("email")
    order.self_referral = order.self_referral or sharing.is_self_referral(
        order.sharer_id, email=buyer
    )
    order.paid_at = utcnow()
    order.status = "paid"
    ledger.settle_commission(order)
    return "paid"


def _session_failed(order: Order, session: dict) -> str:
    if order.paid_at is None:
        order.status = "failed"
    return order.status


def _session_expired(order: Order, session: dict) -> str:
    if order.status == "pending":
        order.status = "expired"
    return order.status


def _charge_succeeded(order: Order, charge: dict) -> str:
    """The charge tells who paid: the card's fingerprint and the billing address."""
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    email = (charge.get("billing_details") or {}).get("email") or charge.get("receipt_email")
    if sharing.is_self_referral(order.sharer_id, email=email, fingerprint=card.get("fingerprint")):
        order.self_referral = True
        ledger.settle_commission(order)
        return "self_referral"
    return "charged"


def _charge_refunded(order: Order, charge: dict) -> str:
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0:
        return "ignored"
    # Stripe reports the total refunded so far, so the largest figure seen is the truth.
    order.refunded_minor = min(order.total_minor, max(order.refunded_minor, refunded))
    ledger.settle_commission(order)
    return "refunded"


def _dispute_opened(order: Order, dispute: dict) -> str:
    if order.dispute_status is None:  # a late "created" never reopens a closed dispute
        order.dispute_status = "open"
    ledger.settle_commission(order)
    return "disputed"


def _dispute_closed(order: Order, dispute: dict) -> str:
    order.dispute_status = "won" if dispute.get("status") == "won" else "lost"
    ledger.settle_commission(order)
    return "dispute_" + order.dispute_status


_HANDLERS = {
    "checkout.session.completed": _session_paid,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "checkout.session.expired": _session_expired,
    "charge.succeeded": _charge_succeeded,
    "charge.refunded": _charge_refunded,
    "charge.dispute.created": _dispute_opened,
    "charge.dispute.closed": _dispute_closed,
}


def record_conversion(merchant, body: dict) -> tuple[Order, bool]:
    """A sale made on the merchant's own site, credited through the card's click id.

    Idempotent on the merchant's order reference: reporting it again returns the
    order recorded the first time. Returns (order, created).
    """
    reference = body.get("order_ref")
    if not isinstance(reference, str) or not 1 <= len(reference.strip()) <= 255:
        raise ApiError("invalid_order_ref", "Give your order reference as `order_ref`.", 422)
    reference = reference.strip()
    earlier = db.session.scalar(
        select(Order).filter_by(merchant_id=merchant.id, external_ref=reference)
    )
    if earlier is not None:
        return earlier, False
    click = sharing.get_click(body.get("click"))
    card = sharing.card_by_id(click.card_id) if click is not None else None
    snapshot = catalog.get_snapshot(card.product_id) if card is not None else None
    if snapshot is None or snapshot.merchant_id != merchant.id:
        raise ApiError("unknown_click", "No click of one of your products has that id.", 422)
    window = timedelta(days=merchant.attribution_window_days)
    if utcnow() - click.created_at > window:
        raise ApiError("click_expired", "That click is older than your attribution window.", 422)
    currency = body.get("currency")
    amount = money.parse_decimal(body["amount"]) if isinstance(body.get("amount"), str) else None
    if amount is None or amount <= 0 or not money.is_currency(currency):
        raise ApiError(
            "invalid_amount", "Give `amount` as a decimal string and an ISO `currency`.", 422
        )
    total = money.to_minor(amount, currency)
    order = Order(
        id="ord_" + secrets.token_urlsafe(12),
        card_id=card.id,
        sharer_id=card.sharer_id,
        click_id=click.id,
        product_id=snapshot.id,
        merchant_id=merchant.id,
        product_name=snapshot.name or snapshot.url,
        quantity=1,
        unit_price_minor=total,
        currency=currency,
        total_minor=total,
        provider="merchant",
        external_ref=reference,
        paid_at=utcnow(),
        status="paid",
    )
    db.session.add(order)
    db.session.flush()
    ledger.settle_commission(order)
    try:
        db.session.commit()
    except IntegrityError:  # the same reference reported twice at once
        db.session.rollback()
        return db.session.scalars(
            select(Order).filter_by(merchant_id=merchant.id, external_ref=reference)
        ).one(), False
    return order, True


def embedded_checkout(order: Order) -> dict:
    """What the widget needs to show Stripe's form for ``order`` in its overlay."""
    return {
        "client_secret": order.checkout_client_secret,
        "publishable_key": get_provider(order.provider).publishable_key,
        "stripe_account": catalog.get_merchant(order.merchant_id).stripe_account_id,
    }
