"""Who gets the sale: unique clicks, devices, first or last click, and sales on the shop's site."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from plugin.checkout.models import Order
from plugin.extensions import db
from plugin.sharing.models import Card, Click, Sharer

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
TABLET = "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def clicks(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.query(Click).order_by(Click.id)
        return [(c.source, c.is_bot, c.is_unique, c.device) for c in rows]


def test_a_repeat_visit_within_the_hour_counts_once(app, client, demo):
    for agent in (PHONE, PHONE, TABLET, DESKTOP):
        client.get("/c/trail-lena", headers={"User-Agent": agent})
    assert clicks(app) == [
        ("link", False, True, "mobile"),
        ("link", False, False, "mobile"),
        ("link", False, True, "tablet"),
        ("link", False, True, "desktop"),
    ]
    with app.app_context():  # an hour later, the same visitor counts again
        for click in db.session.query(Click):
            click.created_at -= timedelta(hours=2)
        db.session.commit()
    client.get("/c/trail-lena", headers={"User-Agent": PHONE})
    assert clicks(app)[-1] == ("link", False, True, "mobile")
    token = demo["sharer API token"]
    stats = client.get("/api/v1/sharers/me/stats", headers={"Authorization": f"Bearer {token}"})
    assert stats.get_json()["clicks"] == 4


def second_card(app) -> str:
    """Another sharer's card for the same backpack."""
    with app.app_context():
        lena_card = db.session.query(Card).filter_by(code="trail-lena").one()
        other = Sharer(handle="noor", token_hash="x" * 64)
        db.session.add(other)
        db.session.flush()
        db.session.add(Card(code="trail-noor", product_id=lena_card.product_id, sharer_id=other.id))
        db.session.commit()
    return "trail-noor"


def buy_from(client, code: str) -> str:
    page = client.get(f"/c/{code}", headers={"User-Agent": DESKTOP}).get_data(as_text=True)
    click = int(page.split('name="click" value="')[1].split('"')[0])
    started = client.post("/api/v1/checkout", json={"card": code, "click": click})
    return started.get_json()["order_id"]


def sharer_of(app, order_id: str) -> str:
    with app.app_context():
        order = db.session.get(Order, order_id)
        return db.session.get(Sharer, order.sharer_id).handle


def test_last_click_wins_by_default_and_first_click_when_the_shop_says(app, client, demo):
    noor = second_card(app)
    client.get("/c/trail-lena", headers={"User-Agent": DESKTOP})  # the buyer saw lena's first
    assert sharer_of(app, buy_from(client, noor)) == "noor"

    key = {"Authorization": "Bearer " + demo["merchant API key"]}
    changed = client.patch("/api/v1/merchants/me", json={"attribution": "first_click"}, headers=key)
    assert changed.status_code == 200 and changed.get_json()["attribution"] == "first_click"
    assert sharer_of(app, buy_from(client, noor)) == "lena"

    refused = client.patch("/api/v1/merchants/me", json={"attribution": "random"}, headers=key)
    assert refused.status_code == 422
    assert (
        client.get("/api/v1/merchants/me", headers=key).get_json()["attribution"] == "first_click"
    )


def test_the_way_out_to_the_shop_carries_a_click_id_the_shop_reports(app, client, demo):
    out = client.get("/c/trail-lena/go", headers={"User-Agent": DESKTOP})
    assert out.status_code == 302
    target = urlsplit(out.location)
    assert target.path == "/demo/shop/products/trail-runner-backpack"
    click = int(parse_qs(target.query)["ogstore_click"][0])
    key = {"Authorization": "Bearer " + demo["merchant API key"]}
    sale = {"click": click, "order_ref": "WEB-77", "amount": "89.00", "currency": "EUR"}
    reported = client.post("/api/v1/conversions", json=sale, headers=key)
    assert reported.status_code == 201 and reported.get_json()["commission"] == "8.90"
    # A crawler following the link gets the page, but no click id to claim a sale with.
    crawled = client.get("/c/trail-lena/go", headers={"User-Agent": "Twitterbot/1.0"})
    assert "ogstore_click" not in crawled.location
