"""Thousands of random events, then every sharer's balance against reference arithmetic.

Clicks and crawler hits, checkouts, completions delivered twice and out of order,
partial and full refunds, disputes won and lost, and payouts in between. The
provider's side is modelled in a few lines; the ledger must agree to the cent.
"""

import random
from collections import defaultdict
from datetime import timedelta

from plugin.catalog.models import Merchant
from plugin.checkout import ledger, reports
from plugin.checkout import services as checkout
from plugin.checkout.models import Commission, CommissionEntry, Order, Payout
from plugin.checkout.providers.base import PaymentEvent
from plugin.extensions import db
from plugin.models import utcnow
from plugin.sharing import services as sharing
from plugin.sharing.models import Card, Sharer

EVENTS = 2000
HUMAN = "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"
CRAWLER = "Twitterbot/1.0"


class Provider:
    """What the payment provider knows: which orders are paid, refunded, disputed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.queue: list[tuple[str, str, dict]] = []  # events not yet delivered
        self.paid: dict[str, int] = {}  # order id -> total
        self.refunded: dict[str, int] = defaultdict(int)
        self.dispute: dict[str, str] = {}
        self.serial = 0

    def emit(self, event_type: str, obj: dict) -> None:
        self.serial += 1
        self.queue.append((f"evt_{self.serial}", event_type, obj))

    def deliver_some(self, everything: bool = False) -> None:
        """Deliver a random part of the queue in random order; some twice."""
        self.rng.shuffle(self.queue)
        count = len(self.queue) if everything else self.rng.randint(0, len(self.queue))
        batch, self.queue = self.queue[:count], self.queue[count:]
        for event_id, event_type, obj in batch:
            checkout.record_payment_event("stripe", PaymentEvent(event_id, event_type, obj))
            if self.rng.random() < 0.2:  # providers deliver at least once, sometimes twice
                checkout.record_payment_event("stripe", PaymentEvent(event_id, event_type, obj))


def test_the_ledger_matches_reference_arithmetic(app, demo):
    rng = random.Random(20261123)
    provider = Provider(rng)
    with app.test_request_context():
        rate = db.session.query(Merchant).one().commission_bps
        snapshots = [card.product_id for card in db.session.query(Card).all()]
        sharers = [sharing.create_sharer(f"sim_{n}")[0] for n in range(4)]
        cards = [
            Card(code=f"sim-{s.id}-{p}", product_id=p, sharer_id=s.id, note="")
            for s in sharers
            for p in snapshots
        ]
        db.session.add_all(cards)
        db.session.commit()
        buyable = []  # (card, the variant a buyer picks, if the product has variants)
        for card in cards:
            snapshot = checkout.catalog.get_snapshot(card.product_id)
            if checkout.catalog.is_buyable(snapshot):
                in_stock = [
                    offer["sku"]
                    for offer in snapshot.data["offers"]
                    if offer.get("attributes") and offer.get("availability") == "InStock"
                ]
                buyable.append((card, in_stock[0] if in_stock else None))
        pending: list[Order] = []
        payout_total = 0

        for _ in range(EVENTS):
            roll = rng.random()
            if roll < 0.25:
                card = rng.choice(cards)
                agent = HUMAN if rng.random() < 0.7 else CRAWLER
                sharing.record_visit(
                    card, user_agent=agent, method="GET", referrer=None, ip="203.0.113.9"
                )
            elif roll < 0.45:
                card, variant = rng.choice(buyable)
                order = checkout.start_checkout(card.code, rng.randint(1, 3), variant)
                pending.append(order)
            elif roll < 0.6 and pending:
                order = pending.pop(rng.randrange(len(pending)))
                provider.paid[order.id] = order.total_minor
                provider.emit(
                    "checkout.session.completed",
                    {
                        "object": "checkout.session",
                        "id": order.provider_session_id,
                        "amount_total": order.total_minor,
                        "currency": order.currency.lower(),
                        "payment_status": "paid",
                        "payment_intent": f"pi_{order.id}",
                        "metadata": {"order_id": order.id},
                    },
                )
            elif roll < 0.72 and provider.paid:
                order_id = rng.choice(sorted(provider.paid))
                total = provider.paid[order_id]
                left = total - provider.refunded[order_id]
                if left > 0:
                    provider.refunded[order_id] += (
                        left if rng.random() < 0.4 else rng.randint(1, left)
                    )
                    provider.emit(
                        "charge.refunded",
                        {
                            "object": "charge",
                            "payment_intent": f"pi_{order_id}",
                            "amount": total,
                            "amount_refunded": provider.refunded[order_id],
                            "metadata": {"order_id": order_id},
                        },
                    )
            elif roll < 0.8 and provider.paid:
                order_id = rng.choice(sorted(provider.paid))
                if order_id not in provider.dispute:
                    provider.dispute[order_id] = "open"
                    provider.emit(
                        "charge.dispute.created",
                        {
                            "object": "dispute",
                            "payment_intent": f"pi_{order_id}",
                            "status": "needs_response",
                            "metadata": {"order_id": order_id},
                        },
                    )
                elif provider.dispute[order_id] == "open":
                    provider.dispute[order_id] = rng.choice(["won", "lost"])
                    provider.emit(
                        "charge.dispute.closed",
                        {
                            "object": "dispute",
                            "payment_intent": f"pi_{order_id}",
                            "status": provider.dispute[order_id],
                            "metadata": {"order_id": order_id},
                        },
                    )
            elif roll < 0.95:
                provider.deliver_some()
            else:
                later = utcnow() + timedelta(days=rng.choice([0, 7, 15, 30]))
                payout_total += sum(p.amount_minor for p in ledger.create_payouts(later))

        provider.deliver_some(everything=True)
        payout_total += sum(
            p.amount_minor for p in ledger.create_payouts(utcnow() + timedelta(days=30))
        )

        # The reference: a few lines of arithmetic over what the provider knows.
        expected: dict[tuple[int, str], int] = defaultdict(int)
        revenue: dict[tuple[int, str], int] = defaultdict(int)
        for order_id, total in provider.paid.items():
            order = db.session.get(Order, order_id)
            net = total - provider.refunded[order_id]
            lost = provider.dispute.get(order_id) == "lost"
            expected[order.sharer_id, order.currency] += (
                0 if lost or net <= 0 else net * rate // 10_000
            )
            revenue[order.sharer_id, order.currency] += net

        for sharer in db.session.query(Sharer).all():
            for currency, amounts in ledger.balances(sharer.id).items():
                assert sum(amounts.values()) == expected[sharer.id, currency], (
                    sharer.handle,
                    currency,
                )
                paid_out = (
                    db.session.query(db.func.sum(Payout.amount_minor))
                    .filter_by(sharer_id=sharer.id, currency=currency)
                    .scalar()
                    or 0
                )
                assert amounts["paid"] == paid_out
            stats = reports.sales_summary(sharer.id)
            for currency, amount in stats["revenue"].items():
                minor = checkout.money.to_minor(checkout.money.parse_decimal(amount), currency)
                assert minor == revenue[sharer.id, currency]
        assert all(p.amount_minor > 0 for p in db.session.query(Payout))
        # 30 days on, every refund window has ended: only open disputes still hold money.
        statuses = {c.status for c in db.session.query(Commission)}
        assert "pending" not in statuses and {"approved", "reversed", "held"} <= statuses
        assert payout_total == db.session.query(db.func.sum(Payout.amount_minor)).scalar()
        # Money really moved through every path the simulation meant to exercise.
        reasons = {e.reason for e in db.session.query(CommissionEntry)}
        assert {"sale", "refund", "dispute_lost"} <= reasons
        assert db.session.query(Payout).count() > 3
        assert len(provider.paid) > 100
