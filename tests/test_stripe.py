"""The Stripe provider, through the real stripe library, against a local fake of Stripe's API.

Webhooks are real-shaped events signed with the test secret and checked by the
library's own signature verification; they are replayed twice, out of order,
and forged.
"""

import json
import time

import pytest
import stripe

from plugin.catalog.models import Merchant
from plugin.checkout.models import Commission, Order, WebhookEvent
from plugin.extensions import db

WEBHOOK_SECRET = "whsec_test_stripe"  # stripe_settings in conftest.py
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"}


@pytest.fixture
def app(app_factory, stripe_settings):
    """The app with Stripe as its provider, talking to the fake API."""
    return app_factory(**stripe_settings, OGSTORE_PLATFORM_FEE_BPS=200)


@pytest.fixture
def connected(app, demo):
    with app.app_context():
        merchant = db.session.query(Merchant).one()
        merchant.stripe_account_id = "acct_shop"
        db.session.commit()


def event(event_type: str, obj: dict, *, event_id: str, created: int | None = None) -> dict:
    """A Stripe event as Stripe delivers it (API version, livemode, request, ...)."""
    return {
        "id": event_id,
        "object": "event",
        "account": "acct_shop",
        "api_version": "2025-09-30.clover",
        "created": created or int(time.time()),
        "data": {"object": obj},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def session_object(order_id: str, session_id: str, *, amount: int, status: str = "paid") -> dict:
    return {
        "id": session_id,
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "client_reference_id": order_id,
        "currency": "eur",
        "customer_details": {"email": "buyer@example.com", "name": "A Buyer"},
        "livemode": False,
        "metadata": {"order_id": order_id, "card": "trail-lena"},
        "mode": "payment",
        "payment_intent": f"pi_{order_id}",
        "payment_status": status,
        "status": "complete",
    }


def charge_object(order_id: str, *, amount: int, refunded: int) -> dict:
    return {
        "id": f"ch_{order_id}",
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": refunded,
        "currency": "eur",
        "metadata": {"order_id": order_id},
        "paid": True,
        "payment_intent": f"pi_{order_id}",
        "refunded": refunded == amount,
    }


def dispute_object(order_id: str, status: str) -> dict:
    return {
        "id": f"dp_{order_id}",
        "object": "dispute",
        "amount": 17800,
        "charge": f"ch_{order_id}",
        "currency": "eur",
        "payment_intent": f"pi_{order_id}",
        "reason": "fraudulent",
        "status": status,
    }


def deliver(client, payload: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    body = json.dumps(payload)
    header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp)
    return client.post("/webhooks/stripe", data=body, headers={"Stripe-Signature": header})


def start_order(client, key: str = "widget-retry-1") -> tuple[str, str]:
    page = client.get("/c/trail-lena", headers=BROWSER).get_data(as_text=True)
    click = int(page.split('name="click" value="')[1].split('"')[0])
    response = client.post(
        "/api/v1/checkout",
        json={"card": "trail-lena", "quantity": 2, "click": click},
        headers={"Idempotency-Key": key},
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["order_id"], response.get_json()["checkout_url"]


def test_the_session_is_priced_from_the_snapshot_on_the_merchants_account(
    app, client, connected, fake_stripe
):
    order_id, checkout_url = start_order(client)
    [sent] = fake_stripe.requests
    assert (sent.method, sent.path) == ("POST", "/v1/checkout/sessions")
    assert sent.headers["Authorization"] == "Bearer sk_test_ogstore"
    assert sent.headers["Stripe-Account"] == "acct_shop"
    assert sent.headers["Idempotency-Key"] == f"ogstore-checkout-{order_id}"
    with app.app_context():
        order = db.session.get(Order, order_id)
        assert checkout_url == order.checkout_url.replace("&amp;", "&")
        click_id = order.click_id
    card_url = "http://localhost/c/trail-lena"
    assert sent.params == {
        "mode": "payment",
        "client_reference_id": order_id,
        "line_items[0][quantity]": "2",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "8900",
        "line_items[0][price_data][product_data][name]": "Alpine Trail Runner Backpack 18L",
        "line_items[0][price_data][product_data][images][0]": sent.params[
            "line_items[0][price_data][product_data][images][0]"
        ],
        # 10 % commission for the sharer + 2 % platform fee, of 178.00
        "payment_intent_data[application_fee_amount]": "2136",
        "payment_intent_data[metadata][order_id]": order_id,
        "payment_intent_data[metadata][card]": "trail-lena",
        "payment_intent_data[metadata][sharer_id]": "1",
        "payment_intent_data[metadata][click_id]": str(click_id),
        "metadata[order_id]": order_id,
        "metadata[card]": "trail-lena",
        "metadata[sharer_id]": "1",
        "metadata[click_id]": str(click_id),
        "success_url": f"{card_url}?order={order_id}",
        "cancel_url": card_url,
    }
    assert sent.params["line_items[0][price_data][product_data][images][0]"].startswith("http")
    # A retry with the same Idempotency-Key returns the same order without calling Stripe again.
    again = client.post(
        "/api/v1/checkout",
        json={"card": "trail-lena", "quantity": 2},
        headers={"Idempotency-Key": "widget-retry-1"},
    )
    assert again.get_json()["order_id"] == order_id and len(fake_stripe.requests) == 1


def test_a_shop_without_stripe_cannot_take_orders(app, client, demo, fake_stripe):
    response = client.post("/api/v1/checkout", json={"card": "trail-lena"})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "merchant_not_connected"
    assert fake_stripe.requests == []
    with app.app_context():
        assert db.session.query(Order).count() == 0


def test_stripe_errors_are_a_clear_error_and_store_nothing(app, client, connected, fake_stripe):
    fake_stripe.fail_with = (
        402,
        {
            "error": {
                "type": "invalid_request_error",
                "message": "Your account cannot currently make charges.",
            }
        },
    )
    response = client.post("/api/v1/checkout", json={"card": "trail-lena"})
    assert response.status_code == 502
    assert response.get_json()["error"]["code"] == "provider_error"
    with app.app_context():
        assert db.session.query(Order).count() == 0


def commission_of(app, order_id: str) -> tuple[str, str, int | None, str | None]:
    with app.app_context():
        order = db.session.get(Order, order_id)
        commission = db.session.query(Commission).filter_by(order_id=order_id).one_or_none()
        return (
            order.status,
            order.refunded_minor,
            commission and commission.amount_minor,
            commission and commission.status,
        )


def test_completion_twice_and_a_forged_one(app, client, connected):
    order_id, _ = start_order(client)
    session = session_object(order_id, _session_id(app, order_id), amount=17800)
    completed = event("checkout.session.completed", session, event_id="evt_completed")
    assert deliver(client, completed).get_json()["outcome"] == "paid"
    assert deliver(client, completed).get_json()["outcome"] == "duplicate"
    assert commission_of(app, order_id) == ("paid", 0, 1780, "pending")

    forged = event(
        "charge.refunded",
        charge_object(order_id, amount=17800, refunded=17800),
        event_id="evt_forged",
    )
    assert deliver(client, forged, secret="whsec_guess").status_code == 400
    stale = event(
        "charge.refunded",
        charge_object(order_id, amount=17800, refunded=17800),
        event_id="evt_stale",
    )
    assert deliver(client, stale, timestamp=int(time.time()) - 3600).status_code == 400
    assert commission_of(app, order_id) == ("paid", 0, 1780, "pending")
    with app.app_context():
        assert db.session.query(WebhookEvent).count() == 1


def test_refunds_out_of_order_and_replayed_settle_pro_rata(app, client, connected):
    order_id, _ = start_order(client)
    half = event(
        "charge.refunded",
        charge_object(order_id, amount=17800, refunded=8900),
        event_id="evt_refund_half",
    )
    full = event(
        "charge.refunded",
        charge_object(order_id, amount=17800, refunded=17800),
        event_id="evt_refund_full",
    )
    completed = event(
        "checkout.session.completed",
        session_object(order_id, _session_id(app, order_id), amount=17800),
        event_id="evt_completed",
    )
    # The partial refund arrives before the completion it follows.
    assert deliver(client, half).get_json()["outcome"] == "refunded"
    assert commission_of(app, order_id) == ("pending", 8900, None, None)
    assert deliver(client, completed).get_json()["outcome"] == "paid"
    assert commission_of(app, order_id) == ("paid", 8900, 890, "pending")
    assert deliver(client, full).get_json()["outcome"] == "refunded"
    assert commission_of(app, order_id) == ("refunded", 17800, 0, "reversed")
    # A late copy of the earlier, smaller refund changes nothing.
    late = dict(half, id="evt_refund_half_again")
    assert deliver(client, late).get_json()["outcome"] == "refunded"
    assert commission_of(app, order_id) == ("refunded", 17800, 0, "reversed")


@pytest.mark.parametrize(
    ("closing", "expected"),
    [("won", ("paid", 0, 1780, "pending")), ("lost", ("dispute_lost", 0, 0, "reversed"))],
)
def test_disputes_hold_then_settle_the_commission(app, client, connected, closing, expected):
    order_id, _ = start_order(client)
    completed = event(
        "checkout.session.completed",
        session_object(order_id, _session_id(app, order_id), amount=17800),
        event_id="evt_completed",
    )
    deliver(client, completed)
    opened = event(
        "charge.dispute.created",
        dispute_object(order_id, "needs_response"),
        event_id="evt_dispute_opened",
    )
    closed = event(
        "charge.dispute.closed", dispute_object(order_id, closing), event_id="evt_dispute_closed"
    )
    assert deliver(client, opened).get_json()["outcome"] == "disputed"
    assert commission_of(app, order_id) == ("disputed", 0, 1780, "held")
    assert deliver(client, closed).get_json()["outcome"] == f"dispute_{closing}"
    assert commission_of(app, order_id) == expected
    # "created" delivered again late (a new delivery id) does not reopen the closed dispute.
    assert deliver(client, dict(opened, id="evt_dispute_opened_late")).status_code == 200
    assert commission_of(app, order_id) == expected


def test_asynchronous_payments_expiry_and_failure(app, client, connected):
    order_id, _ = start_order(client)
    session_id = _session_id(app, order_id)
    unpaid = session_object(order_id, session_id, amount=17800, status="unpaid")
    outcome = deliver(client, event("checkout.session.completed", unpaid, event_id="evt_1"))
    assert outcome.get_json()["outcome"] == "awaiting_payment"
    failed = event("checkout.session.async_payment_failed", unpaid, event_id="evt_2")
    assert deliver(client, failed).get_json()["outcome"] == "failed"
    assert commission_of(app, order_id) == ("failed", 0, None, None)

    other_id, _ = start_order(client, key="another-order")
    other_session = session_object(
        other_id, _session_id(app, other_id), amount=17800, status="unpaid"
    )
    assert (
        deliver(
            client, event("checkout.session.expired", other_session, event_id="evt_3")
        ).get_json()["outcome"]
        == "expired"
    )
    succeeded = dict(other_session, payment_status="paid")
    # A late success after expiry still pays: the money moved.
    assert (
        deliver(
            client, event("checkout.session.async_payment_succeeded", succeeded, event_id="evt_4")
        ).get_json()["outcome"]
        == "paid"
    )
    assert commission_of(app, other_id) == ("paid", 0, 1780, "pending")


def test_a_paid_amount_that_differs_from_the_order_does_not_pay_it(app, client, connected):
    order_id, _ = start_order(client)
    tampered = session_object(order_id, _session_id(app, order_id), amount=100)
    outcome = deliver(client, event("checkout.session.completed", tampered, event_id="evt_x"))
    assert outcome.get_json()["outcome"] == "amount_mismatch"
    assert commission_of(app, order_id) == ("amount_mismatch", 0, None, None)


def test_a_merchant_connects_its_stripe_account(app, client, demo, fake_stripe):
    assert client.post("/dashboard/merchant/stripe/connect").status_code == 401
    login = demo["merchant dashboard"].split("/", 3)[3]
    client.get("/" + login)
    response = client.post("/dashboard/merchant/stripe/connect")
    assert response.status_code == 303
    assert response.location.startswith("https://connect.stripe.test/setup/e/acct_test_")
    assert [r.path for r in fake_stripe.requests] == ["/v1/accounts", "/v1/account_links"]
    assert fake_stripe.requests[0].params == {"type": "express"}
    assert fake_stripe.requests[1].params["type"] == "account_onboarding"
    with app.app_context():
        account = db.session.query(Merchant).one().stripe_account_id
    assert account.startswith("acct_test_")
    assert f"<code>{account}</code>" in client.get("/dashboard/merchant").get_data(as_text=True)


def _session_id(app, order_id: str) -> str:
    with app.app_context():
        return db.session.get(Order, order_id).provider_session_id


def test_payouts_are_transferred_to_a_sharers_connected_account(
    app, client, connected, demo, fake_stripe
):
    from datetime import timedelta

    from plugin.checkout.ledger import create_payouts
    from plugin.checkout.models import Payout
    from plugin.models import utcnow

    client.get("/" + demo["sharer dashboard"].split("/", 3)[3])  # lena logs in
    assert client.post("/dashboard/stripe/connect").status_code == 303
    account = fake_stripe.requests[0]
    assert account.path == "/v1/accounts"
    order_id, _ = start_order(client)
    paid = session_object(order_id, _session_id(app, order_id), amount=17800)
    deliver(client, event("checkout.session.completed", paid, event_id="evt_paid"))
    fake_stripe.requests.clear()
    with app.app_context():
        [payout] = create_payouts(utcnow() + timedelta(days=15))
        payout_id = payout.id
    [transfer] = fake_stripe.requests
    assert transfer.path == "/v1/transfers"
    assert transfer.headers["Idempotency-Key"] == f"ogstore-payout-{payout_id}"
    assert "Stripe-Account" not in transfer.headers  # from the platform's own balance
    assert transfer.params == {
        "amount": "1780",
        "currency": "eur",
        "destination": transfer.params["destination"],
        "metadata[payout_id]": str(payout_id),
    }
    assert transfer.params["destination"].startswith("acct_test_")
    with app.app_context():
        assert db.session.get(Payout, payout_id).transfer_id.startswith("tr_test_")


def charge_succeeded(order_id: str, *, fingerprint: str, email: str) -> dict:
    return {
        "id": f"ch_{order_id}",
        "object": "charge",
        "amount": 17800,
        "billing_details": {"email": email, "name": "A Buyer"},
        "metadata": {"order_id": order_id},
        "paid": True,
        "payment_intent": f"pi_{order_id}",
        "payment_method_details": {"card": {"brand": "visa", "fingerprint": fingerprint}},
        "status": "succeeded",
    }


def test_a_sharer_paying_with_their_own_card_under_another_address_earns_nothing(
    app, client, connected
):
    from plugin.sharing.models import Sharer

    with app.app_context():
        db.session.query(Sharer).filter_by(handle="lena").one().email = "lena@example.com"
        db.session.commit()
    # Lena buys through her card with her own address: flagged, and her card is remembered.
    first, _ = start_order(client, key="first")
    deliver(
        client,
        event(
            "checkout.session.completed",
            session_object(first, _session_id(app, first), amount=17800),
            event_id="evt_first_paid",
        ),
    )
    outcome = deliver(
        client,
        event(
            "charge.succeeded",
            charge_succeeded(first, fingerprint="fp_lena", email="lena@example.com"),
            event_id="evt_first_charge",
        ),
    ).get_json()["outcome"]
    assert outcome == "self_referral"
    assert commission_of(app, first) == ("paid", 0, 0, "reversed")

    # Later, the same card under another address: still her.
    second, _ = start_order(client, key="second")
    deliver(
        client,
        event(
            "checkout.session.completed",
            session_object(second, _session_id(app, second), amount=17800),
            event_id="evt_second_paid",
        ),
    )
    assert commission_of(app, second) == ("paid", 0, 1780, "pending")  # not known yet...
    outcome = deliver(
        client,
        event(
            "charge.succeeded",
            charge_succeeded(second, fingerprint="fp_lena", email="l@other.example"),
            event_id="evt_second_charge",
        ),
    ).get_json()["outcome"]
    assert outcome == "self_referral"
    assert commission_of(app, second) == ("paid", 0, 0, "reversed")  # ...reversed when it is

    # A stranger's card is just a sale.
    third, _ = start_order(client, key="third")
    deliver(
        client,
        event(
            "checkout.session.completed",
            session_object(third, _session_id(app, third), amount=17800),
            event_id="evt_third_paid",
        ),
    )
    outcome = deliver(
        client,
        event(
            "charge.succeeded",
            charge_succeeded(third, fingerprint="fp_other", email="x@example.com"),
            event_id="evt_third_charge",
        ),
    ).get_json()["outcome"]
    assert outcome == "charged" and commission_of(app, third) == ("paid", 0, 1780, "pending")
    with app.app_context():
        flagged = {o.id for o in db.session.query(Order).filter_by(self_referral=True)}
    assert flagged == {first, second}


def test_embedded_checkout_where_the_merchant_allows_it(
    app_factory, stripe_settings, fake_stripe, demo
):
    from plugin.catalog.models import Merchant

    embedded_app = app_factory(**stripe_settings, OGSTORE_STRIPE_PUBLISHABLE_KEY="pk_test_ogstore")
    with embedded_app.app_context():
        merchant = db.session.query(Merchant).one()
        merchant.stripe_account_id = "acct_shop"
        db.session.commit()
    shop = embedded_app.test_client()
    key = {"Authorization": "Bearer " + demo["merchant API key"]}
    # Not allowed yet: the widget asks, but gets the hosted page.
    hosted = shop.post("/api/v1/checkout", json={"card": "trail-lena", "embedded": True})
    assert "embedded" not in hosted.get_json() and hosted.get_json()["checkout_url"]
    assert (
        shop.patch(
            "/api/v1/merchants/me", json={"embedded_checkout": True}, headers=key
        ).status_code
        == 200
    )
    # The no-JavaScript card page still goes to the hosted page.
    shop.post("/c/trail-lena/buy", data={"quantity": "1"})
    assert "ui_mode" not in fake_stripe.requests[-1].params
    started = shop.post("/api/v1/checkout", json={"card": "trail-lena", "embedded": True})
    body = started.get_json()
    sent = fake_stripe.requests[-1].params
    assert sent["ui_mode"] == "embedded" and sent["return_url"].endswith(
        f"?order={body['order_id']}"
    )
    assert "success_url" not in sent and "cancel_url" not in sent
    assert body["checkout_url"] is None
    assert body["embedded"] == {
        "client_secret": body["embedded"]["client_secret"],
        "publishable_key": "pk_test_ogstore",
        "stripe_account": "acct_shop",
    }
    assert body["embedded"]["client_secret"].endswith("_secret_fake")
