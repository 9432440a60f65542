"""Bad input on every endpoint gets a clear 4xx in one JSON shape, and loses nothing."""

import pytest

from plugin.catalog.models import Merchant, ProductSnapshot
from plugin.checkout.models import Order, WebhookEvent
from plugin.checkout.providers.demo import DemoProvider
from plugin.extensions import db
from plugin.sharing.models import Card, Click, Sharer

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0"}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body


def row_counts(app) -> dict:
    with app.app_context():
        return {
            model.__name__: db.session.query(model).count()
            for model in (Merchant, ProductSnapshot, Sharer, Card, Click, Order, WebhookEvent)
        }


@pytest.fixture
def sharer(client):
    token = client.post("/api/v1/sharers", json={"handle": "ines"}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({}, 400, "invalid_url"),
        ({"url": "   "}, 400, "invalid_url"),
        ({"url": "ftp://shop.example/p"}, 400, "invalid_url"),
        ({"url": "javascript:alert(1)"}, 400, "invalid_url"),
        ({"url": "http://user:pw@shop.example/p"}, 400, "invalid_url"),
        ({"url": "http://10.1.2.3/p"}, 403, "blocked_address"),
        ({"url": "http://169.254.169.254/latest/meta-data/"}, 403, "blocked_address"),
        ({"url": "http://[::1]/"}, 403, "blocked_address"),
    ],
)
def test_products_refuses_bad_and_hostile_urls(client, query, status, code):
    assert_error(client.get("/api/v1/products", query_string=query), status, code)


def test_products_explains_pages_that_are_not_products(client, demo):
    base = demo["base_url"]
    missing = client.get(
        "/api/v1/products", query_string={"url": base + "/demo/shop/products/nope"}
    )
    assert_error(missing, 422, "fetch_failed")
    image = client.get("/api/v1/products", query_string={"url": base + "/c/trail-lena/og.png"})
    assert_error(image, 422, "not_html")
    blog = client.get("/api/v1/products", query_string={"url": base + "/demo/blog"})
    assert_error(blog, 422, "no_product")


def test_sharers_bad_input(client):
    assert_error(client.post("/api/v1/sharers", data="handle=x"), 400, "invalid_json")
    assert_error(client.post("/api/v1/sharers", json=["nope"]), 400, "invalid_json")
    for handle in (None, "", "a", "x" * 31, "<script>", 42):
        assert_error(client.post("/api/v1/sharers", json={"handle": handle}), 422, "invalid_handle")
    first = client.post("/api/v1/sharers", json={"handle": "noor"})
    assert first.status_code == 201
    assert_error(client.post("/api/v1/sharers", json={"handle": "NOOR"}), 409, "handle_taken")
    # The first sharer's token still works after the refused duplicate.
    auth = {"Authorization": "Bearer " + first.get_json()["token"]}
    assert client.get("/api/v1/sharers/me/stats", headers=auth).status_code == 200


def test_cards_bad_input(client, demo, sharer, app):
    page = demo["base_url"] + "/demo/shop/products/trail-runner-backpack"
    before = row_counts(app)
    assert_error(client.post("/api/v1/cards", json={"url": page}), 401, "unauthorized")
    wrong = {"Authorization": "Bearer ogs_not-a-real-token"}
    assert_error(
        client.post("/api/v1/cards", json={"url": page}, headers=wrong), 401, "unauthorized"
    )
    basic = {"Authorization": "Basic dXNlcjpwdw=="}
    assert_error(
        client.post("/api/v1/cards", json={"url": page}, headers=basic), 401, "unauthorized"
    )
    assert_error(client.post("/api/v1/cards", json={}, headers=sharer), 400, "invalid_url")
    assert_error(client.post("/api/v1/cards", json={"url": 7}, headers=sharer), 400, "invalid_url")
    long_note = {"url": page, "note": "x" * 501}
    assert_error(client.post("/api/v1/cards", json=long_note, headers=sharer), 422, "invalid_note")
    blocked = {"url": "http://127.0.0.2:9/"}
    assert_error(client.post("/api/v1/cards", json=blocked, headers=sharer), 403, "blocked_address")
    assert row_counts(app) == before


def test_unknown_cards(client):
    assert client.get("/c/doesnotexist").status_code == 404
    assert_error(client.get("/api/v1/cards/doesnotexist"), 404, "card_not_found")
    assert client.get("/c/doesnotexist/og.png").status_code == 404
    assert client.get("/c/doesnotexist/qr.svg").status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"card": "nope"}, 404, "card_not_found"),
        ({"card": ["trail-lena"]}, 404, "card_not_found"),
        ({"card": "trail-lena", "quantity": 0}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "quantity": 11}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "quantity": -3}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "quantity": "2"}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "quantity": 1.5}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "quantity": True}, 422, "invalid_quantity"),
        ({"card": "trail-lena", "variant": "NOPE"}, 422, "unknown_variant"),
        ({"card": "trail-lena", "variant": {"sku": "RL-TR18"}}, 422, "unknown_variant"),
        ({"card": "ceramic-pour-over-set-lena"}, 409, "out_of_stock"),
        ({"card": "merino-crew-sweater-lena", "variant": "FW-CREW-NAVY-L"}, 409, "out_of_stock"),
    ],
)
def test_checkout_bad_input(client, demo, app, body, status, code):
    before = row_counts(app)
    assert_error(client.post("/api/v1/checkout", json=body), status, code)
    assert row_counts(app) == before


def test_checkout_needs_a_verified_merchant(client, demo, app):
    with app.app_context():
        db.session.execute(db.update(Merchant).values(verified_at=None))
        db.session.commit()
    response = client.post("/api/v1/checkout", json={"card": "trail-lena"})
    assert_error(response, 409, "merchant_not_verified")


def test_checkout_is_idempotent_with_a_key(client, demo, app):
    key = {"Idempotency-Key": "retry-123"}
    first = client.post("/api/v1/checkout", json={"card": "trail-lena"}, headers=key)
    second = client.post("/api/v1/checkout", json={"card": "trail-lena"}, headers=key)
    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    too_long = {"Idempotency-Key": "k" * 256}
    response = client.post("/api/v1/checkout", json={"card": "trail-lena"}, headers=too_long)
    assert_error(response, 400, "invalid_idempotency_key")
    with app.app_context():
        assert db.session.query(Order).count() == 1


def test_webhooks_refuse_forged_and_broken_events(client, demo, app):
    order_id = client.post("/api/v1/checkout", json={"card": "trail-lena"}).get_json()["order_id"]
    with app.app_context():
        order = db.session.get(Order, order_id)
        payload, headers = DemoProvider("whsec_attacker").completion_event(order)
        genuine, genuine_headers = DemoProvider("whsec_test").completion_event(order)
    assert_error(
        client.post("/webhooks/demo", data=payload, headers=headers), 400, "invalid_signature"
    )
    tampered = genuine.replace(b'"amount_total": 8900', b'"amount_total": 1')
    response = client.post("/webhooks/demo", data=tampered, headers=genuine_headers)
    assert_error(response, 400, "invalid_signature")
    assert_error(client.post("/webhooks/demo", data=genuine), 400, "invalid_signature")
    assert_error(client.post("/webhooks/stripe", data=genuine), 404, "unknown_provider")
    with app.app_context():
        assert db.session.get(Order, order_id).status == "pending"
        assert db.session.query(WebhookEvent).count() == 0


def test_a_signed_event_with_the_wrong_amount_does_not_pay(client, demo, app):
    order_id = client.post("/api/v1/checkout", json={"card": "trail-lena"}).get_json()["order_id"]
    with app.app_context():
        order = db.session.get(Order, order_id)
        order.total_minor = 1  # what a provider would report if the amount had been tampered
        payload, headers = DemoProvider("whsec_test").completion_event(order)
        db.session.rollback()
    outcome = client.post("/webhooks/demo", data=payload, headers=headers).get_json()["outcome"]
    assert outcome == "amount_mismatch"
    with app.app_context():
        assert db.session.get(Order, order_id).status == "amount_mismatch"


def test_stats_need_a_token(client):
    assert_error(client.get("/api/v1/sharers/me/stats"), 401, "unauthorized")


def test_oembed_bad_input(client, demo):
    assert_error(
        client.get("/oembed", query_string={"url": "https://elsewhere.example/c/x"}),
        404,
        "card_not_found",
    )
    assert_error(
        client.get("/oembed", query_string={"url": "http://localhost/c/nope"}),
        404,
        "card_not_found",
    )
    assert_error(client.get("/oembed", query_string={"url": "http://[::1"}), 404, "card_not_found")
    card_url = "http://localhost/c/trail-lena"
    response = client.get("/oembed", query_string={"url": card_url, "format": "yaml"})
    assert_error(response, 501, "format_not_implemented")
    ok = client.get("/oembed", query_string={"url": card_url, "maxwidth": 300}).get_json()
    assert (ok["type"], ok["version"], ok["width"]) == ("rich", "1.0", 300)


def test_validate_bad_input(client):
    assert_error(client.get("/api/v1/validate"), 400, "invalid_url")
    assert_error(
        client.get("/api/v1/validate", query_string={"url": "http://10.0.0.1/"}),
        403,
        "blocked_address",
    )


def test_unknown_api_routes_answer_json(client):
    assert_error(client.get("/api/v1/nothing-here"), 404, "not_found")
    assert_error(client.delete("/api/v1/sharers"), 405, "method_not_allowed")


def test_a_product_with_variants_needs_one_chosen(client, demo, app):
    before = row_counts(app)
    response = client.post("/api/v1/checkout", json={"card": "merino-crew-sweater-lena"})
    assert_error(response, 422, "variant_required")
    assert row_counts(app) == before
    chosen = client.post(
        "/api/v1/checkout", json={"card": "merino-crew-sweater-lena", "variant": "FW-CREW-OAT-XL"}
    )
    assert chosen.status_code == 201 and chosen.get_json()["total"] == "130.00"
