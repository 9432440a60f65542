"""The rules of buying: the server prices every order, and each payment counts once.

Prices come from the product snapshot (re-read when older than the limit),
never from the request. Provider events are applied once each (the
``WebhookEvent`` ledger) and every handler is safe to repeat.
"""

import logging
import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from plugin import money
from plugin.catalog import services as catalog
from plugin.checkout.models import Commission, CommissionEntry, Order, Payout, WebhookEvent
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
    _settle_commission(order)
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
        _settle_commission(order)
        return "self_referral"
    return "charged"


def _charge_refunded(order: Order, charge: dict) -> str:
    refunded = charge.get("amount_refunded")
    if not isinstance(refunded, int) or refunded < 0:
        return "ignored"
    # Stripe reports the total refunded so far, so the largest figure seen is the truth.
    order.refunded_minor = min(order.total_minor, max(order.refunded_minor, refunded))
    _settle_commission(order)
    return "refunded"


def _dispute_opened(order: Order, dispute: dict) -> str:
    if order.dispute_status is None:  # a late "created" never reopens a closed dispute
        order.dispute_status = "open"
    _settle_commission(order)
    return "disputed"


def _dispute_closed(order: Order, dispute: dict) -> str:
    order.dispute_status = "won" if dispute.get("status") == "won" else "lost"
    _settle_commission(order)
    return "dispute_" + order.dispute_status


def _settle_commission(order: Order) -> None:
    """Bring the order's status and its commission's entries in line with what is known.

    The commission due is ``(total - refunded) × rate`` (or the flat amount, pro
    rata), nothing after a lost dispute, split up the reshare chain; for each
    sharer, the difference from what their entries already sum to is booked as
    one new entry. Computing from facts makes replays and reordering harmless.
    """
    if order.paid_at is None:
        return
    net = order.total_minor - order.refunded_minor
    lost = order.dispute_status == "lost"
    if net <= 0:
        order.status = "refunded"
    else:
        order.status = {"open": "disputed", "lost": "dispute_lost"}.get(
            order.dispute_status, "paid"
        )
    commission = db.session.scalar(select(Commission).filter_by(order_id=order.id))
    if commission is None and order.self_referral:  # the sharer bought through their own card
        return
    if commission is None:
        merchant = catalog.get_merchant(order.merchant_id)
        product_url = catalog.get_snapshot(order.product_id).url
        terms = catalog.commission_terms(merchant, product_url, order.currency)
        commission = Commission(
            order_id=order.id,
            sharer_id=order.sharer_id,
            currency=order.currency,
            rate_bps=terms.bps,
            flat_minor=None if terms.flat_minor is None else terms.flat_minor * order.quantity,
            status="pending",
            hold_until=order.paid_at + timedelta(days=merchant.refund_window_days),
            reshare_bps=merchant.reshare_share_bps,
        )
        db.session.add(commission)
    if lost or net <= 0 or order.self_referral:
        due = 0
    elif commission.flat_minor is not None:  # flat per item, reduced pro rata by refunds
        due = min(commission.flat_minor, order.total_minor) * net // order.total_minor
    else:
        due = net * commission.rate_bps // 10_000
    chain = sharing.reshare_chain(order.card_id) if commission.reshare_bps else []
    for sharer_id, target in _split(due, order.sharer_id, chain, commission.reshare_bps).items():
        booked = [e.amount_minor for e in commission.entries if e.sharer_id == sharer_id]
        change = target - sum(booked)
        if not change:
            continue
        if not booked:
            reason = "sale" if sharer_id == order.sharer_id else "reshare"
        elif order.self_referral:
            reason = "self_referral"
        else:
            reason = "dispute_lost" if lost else "refund" if change < 0 else "dispute_won"
        commission.entries.append(
            CommissionEntry(
                sharer_id=sharer_id,
                currency=commission.currency,
                amount_minor=change,
                reason=reason,
            )
        )
    if lost or net <= 0 or order.self_referral:
        commission.status = "reversed"
    elif order.dispute_status == "open":
        commission.status = "held"
    elif commission.status in ("reversed", "held"):
        commission.status = "pending"


def _split(due: int, seller: int, chain: list[int], share_bps: int) -> dict[int, int]:
    """``due`` between the seller and the sharers up its reshare chain, to the cent.

    Each level passes ``share_bps`` of what it receives to the sharer above it.
    """
    shares = {seller: due}
    holder, passed = seller, due
    for upline in chain:
        cut = passed * share_bps // 10_000
        shares[holder] -= cut
        shares[upline] = cut
        holder, passed = upline, cut
    return shares


def approve_due_commissions(now: datetime | None = None) -> int:
    """Approve pending commissions whose holding period (the refund window) is over."""
    result = db.session.execute(
        update(Commission)
        .where(Commission.status == "pending", Commission.hold_until <= (now or utcnow()))
        .values(status="approved")
    )
    db.session.commit()
    return result.rowcount


# Which balance an unpaid entry counts in, by its commission's status. A reversal's
# negative entry is payable: it is netted against the next payout.
_PAYABLE = ("approved", "reversed")


def balances(sharer_id: int) -> dict[str, dict[str, int]]:
    """Pending, approved (payable) and paid commission per currency, in minor units."""
    bucket = case(
        (CommissionEntry.payout_id.is_not(None), "paid"),
        (Commission.status.in_(_PAYABLE), "approved"),
        else_="pending",
    ).label("bucket")
    rows = db.session.execute(
        select(CommissionEntry.currency, bucket, func.sum(CommissionEntry.amount_minor))
        .join(Commission, Commission.id == CommissionEntry.commission_id)
        .where(CommissionEntry.sharer_id == sharer_id)
        .group_by(CommissionEntry.currency, bucket)
    )
    result: dict[str, dict[str, int]] = {}
    for currency, name, total in rows:
        result.setdefault(currency, {"pending": 0, "approved": 0, "paid": 0})[name] = int(total)
    return result


def create_payouts(now: datetime | None = None) -> list[Payout]:
    """Pay every sharer's positive approved balance per currency; negative ones carry over.

    The entries are read once and the payout settles exactly those, so an entry
    booked meanwhile waits for the next payout instead of being paid unsummed.
    """
    approve_due_commissions(now)
    unpaid = db.session.execute(
        select(
            CommissionEntry.id,
            CommissionEntry.sharer_id,
            CommissionEntry.currency,
            CommissionEntry.amount_minor,
        )
        .join(Commission, Commission.id == CommissionEntry.commission_id)
        .where(CommissionEntry.payout_id.is_(None), Commission.status.in_(_PAYABLE))
    ).all()
    groups: dict[tuple[int, str], list] = {}
    for entry in unpaid:
        groups.setdefault((entry.sharer_id, entry.currency), []).append(entry)
    payouts = []
    for (sharer_id, currency), entries in sorted(groups.items()):
        total = sum(entry.amount_minor for entry in entries)
        if total <= 0:
            continue
        payout = Payout(sharer_id=sharer_id, currency=currency, amount_minor=total)
        db.session.add(payout)
        db.session.flush()
        db.session.execute(
            update(CommissionEntry)
            .where(CommissionEntry.id.in_([entry.id for entry in entries]))
            .values(payout_id=payout.id)
        )
        payouts.append(payout)
    db.session.commit()
    _send_payouts(payouts)
    return payouts


def _send_payouts(payouts: list[Payout]) -> None:
    """Transfer payouts to sharers with a connected account; the rest are paid by hand."""
    provider = get_provider()
    for payout in payouts:
        account = sharing.get_sharer(payout.sharer_id).stripe_account_id
        if account is None:
            continue
        try:
            payout.transfer_id = provider.send_payout(payout, account)
        except ApiError as error:  # stays due; `ogstore payouts create` lists it without a transfer
            log.warning("payout %s not transferred: %s", payout.id, error.message)
        db.session.commit()


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


def sales_summary(sharer_id: int) -> dict:
    """Orders, sales, and revenue (net of refunds) and commission per currency, for one sharer."""
    orders = db.session.scalar(select(func.count()).where(Order.sharer_id == sharer_id))
    paid = db.session.execute(
        select(Order.currency, func.count(), func.sum(Order.total_minor - Order.refunded_minor))
        .where(Order.sharer_id == sharer_id, Order.paid_at.is_not(None))
        .group_by(Order.currency)
    ).all()
    earned = db.session.execute(
        select(CommissionEntry.currency, func.sum(CommissionEntry.amount_minor))
        .where(CommissionEntry.sharer_id == sharer_id)
        .group_by(CommissionEntry.currency)
    ).all()
    return {
        "orders": orders,
        "sales": sum(count for _, count, _ in paid),
        "revenue": {cur: money.major_str(int(total), cur) for cur, _, total in paid},
        "commission": {cur: money.major_str(int(total), cur) for cur, total in earned},
    }


def merchant_summary(merchant_id: int) -> dict:
    """A merchant's recent orders and paid sales per sharer and currency."""
    recent = db.session.scalars(
        select(Order)
        .where(Order.merchant_id == merchant_id)
        .order_by(Order.created_at.desc())
        .limit(50)
    ).all()
    by_sharer = db.session.execute(
        select(
            Order.sharer_id,
            Order.currency,
            func.count(),
            func.sum(Order.total_minor - Order.refunded_minor),
        )
        .where(Order.merchant_id == merchant_id, Order.paid_at.is_not(None))
        .group_by(Order.sharer_id, Order.currency)
        .order_by(func.sum(Order.total_minor).desc())
    ).all()
    return {
        "orders": recent,
        "leaderboard": [
            {"sharer_id": sharer_id, "currency": cur, "sales": n, "revenue_minor": int(total)}
            for sharer_id, cur, n, total in by_sharer
        ],
    }


def orders_of_sharer(sharer_id: int, limit: int = 50) -> list[Order]:
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.sharer_id == sharer_id)
            .order_by(Order.created_at.desc())
            .limit(limit)
        )
    )


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
    _settle_commission(order)
    try:
        db.session.commit()
    except IntegrityError:  # the same reference reported twice at once
        db.session.rollback()
        return db.session.scalars(
            select(Order).filter_by(merchant_id=merchant.id, external_ref=reference)
        ).one(), False
    return order, True


def commission_of(order: Order) -> str | None:
    """The order's commission so far, as a major-units string (None if it earns none)."""
    commission = db.session.scalar(select(Commission).filter_by(order_id=order.id))
    return None if commission is None else money.major_str(commission.amount_minor, order.currency)


# Reports for the dashboards (read-only): each one aggregate query, never a query per row.


def _entries_of_merchant(merchant_id: int):
    """CommissionEntry rows joined to their order, limited to one merchant's orders."""
    return (
        select()
        .select_from(CommissionEntry)
        .join(Commission, Commission.id == CommissionEntry.commission_id)
        .join(Order, Order.id == Commission.order_id)
        .where(Order.merchant_id == merchant_id)
    )


def card_sales(sharer_id: int) -> dict[int, dict]:
    """Per card: checkouts, sales, and what the sharer earned (per currency, minor units).

    Earnings come from the sharer's entries, so a card of someone else's that the
    sharer earns a reshare share from appears too.
    """
    cards: dict[int, dict] = {}

    def row(card_id: int) -> dict:
        return cards.setdefault(card_id, {"orders": 0, "sales": 0, "earned": {}})

    for card_id, orders, sales in db.session.execute(
        select(Order.card_id, func.count(), func.count(Order.paid_at))
        .where(Order.sharer_id == sharer_id)
        .group_by(Order.card_id)
    ):
        row(card_id).update(orders=orders, sales=sales)
    for card_id, currency, total in db.session.execute(
        select(Order.card_id, CommissionEntry.currency, func.sum(CommissionEntry.amount_minor))
        .join(Commission, Commission.id == CommissionEntry.commission_id)
        .join(Order, Order.id == Commission.order_id)
        .where(CommissionEntry.sharer_id == sharer_id)
        .group_by(Order.card_id, CommissionEntry.currency)
    ):
        row(card_id)["earned"][currency] = int(total)
    return cards


def daily_sales(sharer_id: int, days: int = 30) -> dict[str, dict]:
    """Per UTC day over the last ``days``: checkouts started, sales paid, earnings booked.

    Earnings are the sum of the day's entries (a refund's negative entry counts on
    the day it is booked), per currency in minor units.
    """
    since = sharing.first_day(days)
    result: dict[str, dict] = {}

    def row(day: str) -> dict:
        return result.setdefault(day, {"orders": 0, "sales": 0, "earned": {}})

    created = sharing.utc_day(Order.created_at).label("day")
    for day, n in db.session.execute(
        select(created, func.count())
        .where(Order.sharer_id == sharer_id, Order.created_at >= since)
        .group_by(created)
    ):
        row(day)["orders"] = n
    paid = sharing.utc_day(Order.paid_at).label("day")
    for day, n in db.session.execute(
        select(paid, func.count())
        .where(Order.sharer_id == sharer_id, Order.paid_at >= since)
        .group_by(paid)
    ):
        row(day)["sales"] = n
    booked = sharing.utc_day(CommissionEntry.created_at).label("day")
    for day, currency, total in db.session.execute(
        select(booked, CommissionEntry.currency, func.sum(CommissionEntry.amount_minor))
        .where(CommissionEntry.sharer_id == sharer_id, CommissionEntry.created_at >= since)
        .group_by(booked, CommissionEntry.currency)
    ):
        row(day)["earned"][currency] = int(total)
    return result


def merchant_sharers(merchant_id: int) -> list[dict]:
    """The leaderboard: per sharer and currency, paid sales, revenue net of refunds and
    commission booked (minor units), best revenue first within each currency."""
    rows: dict[tuple[int, str], dict] = {}

    def row(sharer_id: int, currency: str) -> dict:
        return rows.setdefault(
            (sharer_id, currency),
            {
                "sharer_id": sharer_id,
                "currency": currency,
                "sales": 0,
                "revenue_minor": 0,
                "commission_minor": 0,
            },
        )

    for sharer_id, currency, n, revenue in db.session.execute(
        select(
            Order.sharer_id,
            Order.currency,
            func.count(),
            func.sum(Order.total_minor - Order.refunded_minor),
        )
        .where(Order.merchant_id == merchant_id, Order.paid_at.is_not(None))
        .group_by(Order.sharer_id, Order.currency)
    ):
        row(sharer_id, currency).update(sales=n, revenue_minor=int(revenue))
    for sharer_id, currency, total in db.session.execute(
        _entries_of_merchant(merchant_id)
        .add_columns(
            CommissionEntry.sharer_id,
            CommissionEntry.currency,
            func.sum(CommissionEntry.amount_minor),
        )
        .group_by(CommissionEntry.sharer_id, CommissionEntry.currency)
    ):
        row(sharer_id, currency)["commission_minor"] = int(total)
    return sorted(
        rows.values(), key=lambda r: (r["currency"], -r["revenue_minor"], -r["commission_minor"])
    )


def merchant_products(merchant_id: int) -> list[dict]:
    """Per product and currency: checkouts, paid sales, units, revenue net of refunds and
    commission (minor units), best revenue first within each currency."""
    paid = Order.paid_at.is_not(None)
    commission = (
        select(Commission.order_id, func.sum(CommissionEntry.amount_minor).label("amount"))
        .join(CommissionEntry, CommissionEntry.commission_id == Commission.id)
        .group_by(Commission.order_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Order.product_id,
            Order.currency,
            func.max(Order.product_name),
            func.count(),
            func.count(Order.paid_at),
            func.coalesce(func.sum(case((paid, Order.quantity), else_=0)), 0),
            func.coalesce(
                func.sum(case((paid, Order.total_minor - Order.refunded_minor), else_=0)), 0
            ),
            func.coalesce(func.sum(commission.c.amount), 0),
        )
        .outerjoin(commission, commission.c.order_id == Order.id)
        .where(Order.merchant_id == merchant_id)
        .group_by(Order.product_id, Order.currency)
    )
    products = [
        {
            "product_id": product_id,
            "currency": currency,
            "name": name,
            "orders": orders,
            "sales": sales,
            "units": int(units),
            "revenue_minor": int(revenue),
            "commission_minor": int(earned),
        }
        for product_id, currency, name, orders, sales, units, revenue, earned in rows
    ]
    return sorted(products, key=lambda p: (p["currency"], -p["revenue_minor"], -p["orders"]))


def merchant_daily(merchant_id: int, days: int = 30) -> dict[str, dict[str, dict]]:
    """Per UTC day over the last ``days`` and currency: sales paid that day, their revenue
    net of refunds, and commission booked that day (minor units)."""
    since = sharing.first_day(days)
    result: dict[str, dict[str, dict]] = {}

    def row(day: str, currency: str) -> dict:
        return result.setdefault(day, {}).setdefault(
            currency, {"sales": 0, "revenue_minor": 0, "commission_minor": 0}
        )

    paid = sharing.utc_day(Order.paid_at).label("day")
    for day, currency, n, revenue in db.session.execute(
        select(
            paid, Order.currency, func.count(), func.sum(Order.total_minor - Order.refunded_minor)
        )
        .where(Order.merchant_id == merchant_id, Order.paid_at >= since)
        .group_by(paid, Order.currency)
    ):
        row(day, currency).update(sales=n, revenue_minor=int(revenue))
    booked = sharing.utc_day(CommissionEntry.created_at).label("day")
    for day, currency, total in db.session.execute(
        _entries_of_merchant(merchant_id)
        .add_columns(booked, CommissionEntry.currency, func.sum(CommissionEntry.amount_minor))
        .where(CommissionEntry.created_at >= since)
        .group_by(booked, CommissionEntry.currency)
    ):
        row(day, currency)["commission_minor"] = int(total)
    return result


def merchant_self_referrals(merchant_id: int, limit: int = 50) -> tuple[int, list[Order]]:
    """How many of the merchant's orders are flagged self-referrals, and the latest ones."""
    flagged = (Order.merchant_id == merchant_id, Order.self_referral.is_(True))
    count = db.session.scalar(select(func.count()).select_from(Order).where(*flagged))
    latest = db.session.scalars(
        select(Order).where(*flagged).order_by(Order.created_at.desc()).limit(limit)
    ).all()
    return count, list(latest)


def merchant_payouts_due(merchant_id: int) -> list[dict]:
    """Commission on the merchant's orders per sharer and currency, unpaid (minor units):
    ``due`` is approved (payable now, reversals netted), ``pending`` still in its holding
    period or disputed. Sharers with nothing unpaid are left out."""
    due = case((Commission.status.in_(_PAYABLE), CommissionEntry.amount_minor), else_=0)
    pending = case((Commission.status.in_(_PAYABLE), 0), else_=CommissionEntry.amount_minor)
    rows = db.session.execute(
        _entries_of_merchant(merchant_id)
        .add_columns(
            CommissionEntry.sharer_id,
            CommissionEntry.currency,
            func.sum(due),
            func.sum(pending),
        )
        .where(CommissionEntry.payout_id.is_(None))
        .group_by(CommissionEntry.sharer_id, CommissionEntry.currency)
    )
    result = [
        {"sharer_id": s, "currency": c, "due_minor": int(d), "pending_minor": int(p)}
        for s, c, d, p in rows
        if d or p
    ]
    return sorted(result, key=lambda r: (r["currency"], -r["due_minor"], -r["pending_minor"]))


def commission_by_order(order_ids) -> dict[str, int]:
    """The commission booked so far on each of these orders (all sharers, minor units)."""
    rows = db.session.execute(
        select(Commission.order_id, func.sum(CommissionEntry.amount_minor))
        .join(CommissionEntry, CommissionEntry.commission_id == Commission.id)
        .where(Commission.order_id.in_(list(order_ids)))
        .group_by(Commission.order_id)
    )
    return {order_id: int(total) for order_id, total in rows}


def merchant_orders_export(merchant_id: int):
    """Every order of the merchant, oldest first, with its commission (minor units):
    yields ``(order, commission_minor)``, read in batches for the CSV export."""
    commission = (
        select(Commission.order_id, func.sum(CommissionEntry.amount_minor).label("amount"))
        .join(CommissionEntry, CommissionEntry.commission_id == Commission.id)
        .group_by(Commission.order_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Order, func.coalesce(commission.c.amount, 0))
        .outerjoin(commission, commission.c.order_id == Order.id)
        .where(Order.merchant_id == merchant_id)
        .order_by(Order.created_at, Order.id)
        .execution_options(yield_per=500)
    )
    for order, amount in rows:
        yield order, int(amount)


def embedded_checkout(order: Order) -> dict:
    """What the widget needs to show Stripe's form for ``order`` in its overlay."""
    return {
        "client_secret": order.checkout_client_secret,
        "publishable_key": get_provider(order.provider).publishable_key,
        "stripe_account": catalog.get_merchant(order.merchant_id).stripe_account_id,
    }
