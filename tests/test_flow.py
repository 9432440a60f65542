"""The whole flow over HTTP: page → product → sharer → card → click → checkout → paid → stats."""

import re
from urllib.parse import urlsplit

from plugin.checkout.models import Commission, Order
from plugin.checkout.providers.demo import DemoProvider
from plugin.extensions import db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
CRAWLER = "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"


def test_a_sale_is_credited_to_its_sharer_exactly_once(app, client, demo):
    page_url = demo["base_url"] + "/demo/shop/products/trail-runner-backpack"

    product = client.get("/api/v1/products", query_string={"url": page_url})
    assert product.status_code == 200, product.get_json()
    product = product.get_json()
    assert product["name"] == "Alpine Trail Runner Backpack 18L"
    assert (product["price"], product["currency"], product["availability"]) == (
        "89.00",
        "EUR",
        "InStock",
    )
    assert product["url"] == page_url
    assert product["sources"]["price"] == "json-ld"

    sharer = client.post("/api/v1/sharers", json={"handle": "maya"})
    assert sharer.status_code == 201
    auth = {"Authorization": "Bearer " + sharer.get_json()["token"]}

    card = client.post(
        "/api/v1/cards", json={"url": page_url, "note": "My go-to pack"}, headers=auth
    )
    assert card.status_code == 201, card.get_json()
    card = card.get_json()
    code = card["code"]
    assert card["share_url"].endswith(f"/c/{code}")
    assert f'code="{code}"' in card["embed_html"] and "embed.js" in card["embed_html"]
    assert card["product"]["price"] == "89.00"
    for field in ("og_image_url", "qr_url", "oembed_url"):
        assert (
            client.get(urlsplit(card[field])._replace(scheme="", netloc="").geturl()).status_code
            == 200
        )

    crawled = client.get(f"/c/{code}", headers={"User-Agent": CRAWLER})
    assert crawled.status_code == 200
    page = client.get(
        f"/c/{code}", headers={"User-Agent": BROWSER, "Referer": "https://blog.example/post"}
    )
    html = page.get_data(as_text=True)
    assert '<meta property="og:type" content="product">' in html
    assert '<meta property="product:price:amount" content="89.00">' in html
    assert "My go-to pack" in html
    click_id = int(re.search(r'name="click" value="(\d+)"', html).group(1))

    # A price (or product) sent by the browser is ignored: the server prices the order.
    started = client.post(
        "/api/v1/checkout",
        json={"card": code, "quantity": 2, "click": click_id, "price": "0.01", "currency": "JPY"},
    )
    assert started.status_code == 201, started.get_json()
    order_id = started.get_json()["order_id"]
    checkout_path = urlsplit(started.get_json()["checkout_url"]).path

    checkout_page = client.get(checkout_path)
    assert checkout_page.status_code == 200
    assert "Pay €178.00" in checkout_page.get_data(as_text=True)
    paid = client.post(checkout_path + "/pay")
    assert paid.status_code == 303 and paid.location.endswith(f"/c/{code}?order={order_id}")
    # The buyer's return to the card is not another click.
    assert client.get(paid.location, headers={"User-Agent": BROWSER}).status_code == 200

    with app.app_context():
        order = db.session.get(Order, order_id)
        assert (order.status, order.total_minor, order.currency, order.click_id) == (
            "paid",
            17800,
            "EUR",
            click_id,
        )
        payload, headers = DemoProvider("whsec_test").completion_event(order)
    # The provider delivers the same completion twice: applied once, acknowledged twice.
    first = client.post("/webhooks/demo", data=payload, headers=headers)
    again = client.post("/webhooks/demo", data=payload, headers=headers)
    assert (first.status_code, first.get_json()["outcome"]) == (200, "already_paid")
    assert (again.status_code, again.get_json()["outcome"]) == (200, "duplicate")

    stats = client.get("/api/v1/sharers/me/stats", headers=auth).get_json()
    assert stats == {
        "handle": "maya",
        "impressions": 1,
        "clicks": 1,
        "orders": 1,
        "sales": 1,
        "revenue": {"EUR": "178.00"},
        "commission": {"EUR": "17.80"},
        "balances": {"EUR": {"pending": "17.80", "approved": "0.00", "paid": "0.00"}},
    }
    with app.app_context():
        assert db.session.query(Commission).count() == 1
