"""Read-only reports on orders and commissions for the stats API and the dashboards.

Each is one aggregate query, never a query per row.
"""

from sqlalchemy import case, func, select

from plugin import money
from plugin.checkout.ledger import PAYABLE
from plugin.checkout.models import Commission, CommissionEntry, Order
from plugin.extensions import db
from plugin.sharing import services as sharing


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


def recent_orders(*, limit: int = 50, **owner: int) -> list[Order]:
    """The newest orders of one sharer (``sharer_id=``) or one merchant (``merchant_id=``)."""
    return list(
        db.session.scalars(
            select(Order).filter_by(**owner).order_by(Order.created_at.desc()).limit(limit)
        )
    )


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
    due = case((Commission.status.in_(PAYABLE), CommissionEntry.amount_minor), else_=0)
    pending = case((Commission.status.in_(PAYABLE), 0), else_=CommissionEntry.amount_minor)
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
