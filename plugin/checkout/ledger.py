"""What sharers earn: commissions as sums of entries, approval after the refund window, payouts.

Every change to an amount is a new ``CommissionEntry`` with a reason (sale, refund,
dispute, reshare share), never an edit; balances are sums of entries. The
commission due is recomputed from the order's facts each time, so provider
events may come twice or in any order and the result is the same.
"""

import logging
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update

from plugin import money
from plugin.catalog import services as catalog
from plugin.checkout.models import Commission, CommissionEntry, Order, Payout
from plugin.checkout.providers import get_provider
from plugin.errors import ApiError
from plugin.extensions import db
from plugin.models import utcnow
from plugin.sharing import services as sharing

log = logging.getLogger(__name__)


def settle_commission(order: Order) -> None:
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
PAYABLE = ("approved", "reversed")


def balances(sharer_id: int) -> dict[str, dict[str, int]]:
    """Pending, approved (payable) and paid commission per currency, in minor units."""
    bucket = case(
        (CommissionEntry.payout_id.is_not(None), "paid"),
        (Commission.status.in_(PAYABLE), "approved"),
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
        .where(CommissionEntry.payout_id.is_(None), Commission.status.in_(PAYABLE))
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


def commission_of(order: Order) -> str | None:
    """The order's commission so far, as a major-units string (None if it earns none)."""
    commission = db.session.scalar(select(Commission).filter_by(order_id=order.id))
    return None if commission is None else money.major_str(commission.amount_minor, order.currency)
