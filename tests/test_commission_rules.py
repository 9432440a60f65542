"""Merchants set their commission (percent or flat, per product) and report their own sales."""

import pytest

from plugin.extensions import db
from plugin.sharing.models import Click

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"}


@pytest.fixture
def merchant(demo):
    return {"Authorization": "Bearer " + demo["merchant API key"]}


def pay(client, card: str, quantity: int = 1, variant: str | None = None) -> dict:
    body = {"card": card, "quantity": quantity} | ({"variant": variant} if variant else {})
    started = client.post("/api/v1/checkout", json=body)
    assert started.status_code == 201, started.get_json()
    client.post("/" + started.get_json()["checkout_url"].split("/", 3)[3] + "/pay")
    return started.get_json()


def lena_commission(client, demo) -> dict:
    token = demo["sharer API token"]
    stats = client.get("/api/v1/sharers/me/stats", headers={"Authorization": f"Bearer {token}"})
    return stats.get_json()["commission"]


def test_the_default_percentage_and_a_flat_override(client, demo, merchant):
    me = client.get("/api/v1/merchants/me", headers=merchant).get_json()
    assert me["commission"] == {"default": {"bps": 1000}, "products": {}}
    rule = client.put("/api/v1/merchants/me/commission", json={"bps": 1500}, headers=merchant)
    assert rule.status_code == 200 and rule.get_json()["default"] == {"bps": 1500}
    backpack = demo["base_url"] + "/demo/shop/products/trail-runner-backpack"
    override = {"product_url": backpack, "flat": "5.00", "currency": "EUR"}
    rules = client.put("/api/v1/merchants/me/commission", json=override, headers=merchant)
    assert rules.get_json()["products"] == {backpack: {"flat": "5.00", "currency": "EUR"}}

    pay(client, "trail-lena", quantity=3)  # flat: 3 × 5.00
    pay(client, "merino-crew-sweater-lena", variant="FW-CREW-OAT-XL")  # 15 % of 130.00
    assert lena_commission(client, demo) == {"EUR": "15.00", "USD": "19.50"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"bps": -1},
        {"bps": 10001},
        {"bps": "1000"},
        {"flat": "5.00"},
        {"flat": "-5.00", "currency": "EUR"},
        {"flat": 5, "currency": "EUR"},
        {"flat": "5.00", "currency": "EURO"},
        {"bps": 100, "product_url": "https://elsewhere.example/p"},
    ],
)
def test_bad_rules_are_refused_and_change_nothing(client, demo, merchant, body):
    response = client.put("/api/v1/merchants/me/commission", json=body, headers=merchant)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "invalid_rule"
    me = client.get("/api/v1/merchants/me", headers=merchant).get_json()
    assert me["commission"] == {"default": {"bps": 1000}, "products": {}}


def test_merchant_endpoints_need_the_key(client, demo):
    for headers in ({}, {"Authorization": "Bearer ogm_wrong"}, {"Authorization": "Bearer ogs_x"}):
        assert client.get("/api/v1/merchants/me", headers=headers).status_code == 401
        response = client.post("/api/v1/conversions", json={}, headers=headers)
        assert response.status_code == 401


def test_a_sale_on_the_merchants_site_is_credited_once(app, client, demo, merchant):
    client.get("/c/trail-lena", headers=BROWSER)
    with app.app_context():
        click = db.session.query(Click).filter_by(is_bot=False).one().id
    sale = {"click": click, "order_ref": "SHOP-1001", "amount": "120.00", "currency": "EUR"}
    first = client.post("/api/v1/conversions", json=sale, headers=merchant)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["status"], first.get_json()["commission"]) == ("paid", "12.00")
    again = client.post("/api/v1/conversions", json=sale, headers=merchant)
    assert again.status_code == 200 and again.get_json()["order_id"] == first.get_json()["order_id"]
    assert lena_commission(client, demo) == {"EUR": "12.00"}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"order_ref": ""}, "invalid_order_ref"),
        ({"order_ref": None}, "invalid_order_ref"),
        ({"click": 999999}, "unknown_click"),
        ({"click": "1"}, "unknown_click"),
        ({"amount": "0"}, "invalid_amount"),
        ({"amount": "abc"}, "invalid_amount"),
        ({"amount": 12.5}, "invalid_amount"),
        ({"currency": "XXX1"}, "invalid_amount"),
    ],
)
def test_bad_conversions_are_refused(app, client, demo, merchant, change, code):
    client.get("/c/trail-lena", headers=BROWSER)
    with app.app_context():
        click = db.session.query(Click).filter_by(is_bot=False).one().id
    sale = {"click": click, "order_ref": "SHOP-1", "amount": "10.00", "currency": "EUR"} | change
    response = client.post("/api/v1/conversions", json=sale, headers=merchant)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert lena_commission(client, demo) == {}


def test_a_crawlers_impression_earns_nothing(app, client, demo, merchant):
    client.get("/c/trail-lena", headers={"User-Agent": "Slackbot-LinkExpanding 1.0"})
    with app.app_context():
        impression = db.session.query(Click).one().id
    sale = {"click": impression, "order_ref": "SHOP-2", "amount": "10.00", "currency": "EUR"}
    response = client.post("/api/v1/conversions", json=sale, headers=merchant)
    assert response.get_json()["error"]["code"] == "unknown_click"


def test_a_sharer_buying_through_their_own_card_earns_nothing(app, client, demo):
    from plugin.checkout.models import Order
    from plugin.checkout.providers.demo import DemoProvider
    from plugin.sharing.models import Sharer

    with app.app_context():
        db.session.query(Sharer).filter_by(handle="lena").one().email = "lena@example.com"
        db.session.commit()
    started = client.post("/api/v1/checkout", json={"card": "trail-lena"}).get_json()
    with app.app_context():
        order = db.session.get(Order, started["order_id"])
        payload, headers = DemoProvider("whsec_test").signed_event(
            "checkout.session.completed",
            {
                "object": "checkout.session",
                "id": order.provider_session_id,
                "amount_total": 8900,
                "currency": "eur",
                "payment_status": "paid",
                "customer_details": {"email": "Lena@Example.com"},
                "metadata": {"order_id": order.id},
            },
        )
    assert (
        client.post("/webhooks/demo", data=payload, headers=headers).get_json()["outcome"] == "paid"
    )
    with app.app_context():
        order = db.session.get(Order, started["order_id"])
        assert (order.status, order.self_referral) == ("paid", True)
    assert lena_commission(client, demo) == {}
