"""The data layer's guarantees, on SQLite and on PostgreSQL alike."""

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from plugin.catalog import services as catalog
from plugin.catalog.models import ProductSnapshot
from plugin.checkout.models import Commission, Order, WebhookEvent
from plugin.checkout.providers.base import PaymentEvent
from plugin.checkout.services import record_payment_event
from plugin.extensions import cache, db
from plugin.sharing import services as sharing
from plugin.sharing.models import Card


@pytest.fixture
def order(app, demo):
    """A pending demo order for one backpack (EUR 89.00)."""
    with app.test_request_context():
        from plugin.checkout.services import start_checkout

        return start_checkout("trail-lena").id


def test_migrations_create_every_table_and_downgrade_cleanly(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {m.name for m in db.metadata.sorted_tables} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert {m.name for m in db.metadata.sorted_tables} <= set(
            inspect(db.engine).get_table_names()
        )


def test_each_provider_event_is_recorded_once(app, order):
    with app.app_context():
        session = {
            "object": "checkout.session",
            "id": db.session.get(Order, order).provider_session_id,
            "amount_total": 8900,
            "currency": "eur",
            "payment_status": "paid",
        }
        event = PaymentEvent("evt_1", "checkout.session.completed", session)
        assert record_payment_event("demo", event) == "paid"
        assert record_payment_event("demo", event) == "duplicate"
        other = PaymentEvent("evt_2", "checkout.session.completed", session)
        assert record_payment_event("demo", other) == "already_paid"
        assert db.session.query(WebhookEvent).count() == 2
        commission = db.session.query(Commission).one()
        assert (commission.amount_minor, commission.currency) == (890, "EUR")


def test_one_commission_per_order_is_enforced_by_the_database(app, order):
    with app.app_context():
        sharer_id = db.session.get(Order, order).sharer_id
        db.session.add(Commission(order_id=order, sharer_id=sharer_id, currency="EUR"))
        db.session.commit()
        db.session.add(Commission(order_id=order, sharer_id=sharer_id, currency="EUR"))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert db.session.query(Commission).count() == 1


def test_money_is_integer_minor_units_and_times_are_utc(app, order):
    with app.app_context():
        row = db.session.get(Order, order)
        row.total_minor = 9_007_199_254_740_993  # beyond a float's exact integers
        db.session.commit()
        db.session.expire_all()
        row = db.session.get(Order, order)
        assert row.total_minor == 9_007_199_254_740_993
        assert row.created_at.tzinfo is not None
        assert abs(row.created_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_stale_snapshot_is_read_again_before_pricing(app, demo):
    with app.test_request_context():
        card = sharing.get_card("trail-lena")
        snapshot = catalog.get_snapshot(card.product_id)
        snapshot.fetched_at = datetime.now(UTC) - timedelta(hours=1)
        snapshot.price_minor = 100  # what the page said an hour ago
        db.session.commit()
        fresh, moved = catalog.fresh_snapshot(snapshot)
        assert moved and fresh.price_minor == 8900
        assert datetime.now(UTC) - fresh.fetched_at < timedelta(minutes=1)
        assert catalog.fresh_snapshot(fresh) == (fresh, False)


def test_reading_a_product_twice_keeps_one_snapshot(app, demo):
    url = demo["base_url"] + "/demo/shop/products/field-notebook-3pack"
    with app.test_request_context():
        first = catalog.read_product(url)
        cache.clear()
        second = catalog.read_product(url, refresh=True)
        assert first.id == second.id
        assert db.session.query(ProductSnapshot).filter_by(url=url).count() == 1
        assert (second.price_minor, second.currency) == (1800, "JPY")


def test_card_codes_are_unique(app, demo):
    with app.app_context():
        card = db.session.query(Card).filter_by(code="trail-lena").one()
        db.session.add(
            Card(code="trail-lena", product_id=card.product_id, sharer_id=card.sharer_id)
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
