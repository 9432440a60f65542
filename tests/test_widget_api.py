"""What the widget relies on from another origin: CORS on answers and errors, prices re-read."""

from datetime import UTC, datetime, timedelta

from plugin.catalog.models import ProductSnapshot
from plugin.extensions import db
from plugin.sharing.models import Click

BLOG = {"Origin": "https://blog.example", "User-Agent": "Mozilla/5.0 Chrome/126.0"}


def test_preflight_answers_and_errors_all_allow_any_origin(client, demo):
    preflight = client.options(
        "/api/v1/checkout",
        headers={
            **BLOG,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]
    for response in (
        client.get("/api/v1/cards/trail-lena", headers=BLOG),
        client.get("/api/v1/cards/nope", headers=BLOG),
        client.post("/api/v1/checkout", json={"card": "trail-lena", "quantity": 0}, headers=BLOG),
    ):
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "Access-Control-Allow-Credentials" not in response.headers
    # Only the widget's endpoints are open to other origins.
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/sharers/me/stats").headers


def test_a_widget_render_is_an_embed_click_that_the_checkout_carries(client, app, demo):
    card = client.get("/api/v1/cards/trail-lena", headers=BLOG).get_json()
    assert card["click"] is not None and card["max_quantity"] == 10
    started = client.post("/api/v1/checkout", json={"card": "trail-lena", "click": card["click"]})
    assert started.status_code == 201
    crawler = client.get("/api/v1/cards/trail-lena", headers={"User-Agent": "Slackbot 1.0"})
    assert crawler.get_json()["click"] is None
    with app.app_context():
        sources = [(c.source, c.is_bot) for c in db.session.query(Click).order_by(Click.id)]
    assert sources == [("embed", False), ("embed", True)]


def test_a_moved_price_is_shown_before_anyone_pays_it(client, app, demo):
    with app.app_context():
        snapshot = (
            db.session.query(ProductSnapshot)
            .filter(ProductSnapshot.url.endswith("trail-runner-backpack"))
            .one()
        )
        snapshot.price_minor = 7900  # what the page said when the widget rendered
        snapshot.fetched_at = datetime.now(UTC) - timedelta(hours=1)
        db.session.commit()
    moved = client.post("/api/v1/checkout", json={"card": "trail-lena"}, headers=BLOG)
    assert moved.status_code == 409
    assert moved.get_json()["error"]["code"] == "price_changed"
    assert (moved.get_json()["price"], moved.get_json()["currency"]) == ("89.00", "EUR")
    # The buyer saw the new price; buying again now is at the page's price.
    again = client.post("/api/v1/checkout", json={"card": "trail-lena"}, headers=BLOG)
    assert again.status_code == 201
