"""A merchant changes its rules on the dashboard: commission, refund window, attribution."""

import re

import pytest

from plugin.catalog.models import Merchant
from plugin.extensions import db

RULES = {
    "commission_percent": "12.5",
    "refund_window_days": "30",
    "attribution": "first_click",
    "attribution_window_days": "7",
    "reshare_percent": "2",
}


@pytest.fixture
def merchant_client(app, demo):
    """A browser logged in to the demo shop's dashboard."""
    client = app.test_client()
    assert client.get("/" + demo["merchant dashboard"].split("/", 3)[3]).status_code == 302
    return client


def csrf(client) -> str:
    page = client.get("/dashboard/merchant").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def rules(app) -> tuple:
    with app.app_context():
        m = db.session.scalars(db.select(Merchant).order_by(Merchant.id)).first()
        return (
            m.commission_bps,
            m.refund_window_days,
            m.attribution,
            m.attribution_window_days,
            m.reshare_share_bps,
        )


def test_the_rules_form_saves_every_rule_and_says_so(app, merchant_client):
    saved = merchant_client.post(
        "/dashboard/merchant/rules", data={**RULES, "csrf_token": csrf(merchant_client)}
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/dashboard/merchant")
    assert rules(app) == (1250, 30, "first_click", 7, 200)
    page = merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    assert "Saved: sales from now on follow these rules." in page
    assert "12.5 % of each sale" in page and "first click within 7 days" in page
    assert 'name="commission_percent" inputmode="decimal"' in page and 'value="12.5"' in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("commission_percent", "101", "The commission is a percentage from 0 to 100."),
        ("commission_percent", "12.555", "The commission is a percentage from 0 to 100."),
        ("commission_percent", "-5", "The commission is a percentage from 0 to 100."),
        ("refund_window_days", "400", "the refund window (0 to 365 days)"),
        ("attribution", "<script>", "check the attribution."),
        ("attribution_window_days", "0", "the attribution window (1 to 365 days)"),
        ("reshare_percent", "60", "what reshares pass on (0 to 50 %)"),
    ],
)
def test_one_bad_rule_changes_none_and_says_which(app, merchant_client, field, value, message):
    before = rules(app)
    refused = merchant_client.post(
        "/dashboard/merchant/rules",
        data={**RULES, field: value, "csrf_token": csrf(merchant_client)},
    )
    assert refused.status_code == 303
    assert rules(app) == before
    page = merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    assert '<p role="alert" class="error">' in page and message in page
    assert "<script>" not in page


def test_without_the_form_token_or_a_login_nothing_changes(app, demo, merchant_client):
    before = rules(app)
    forged = merchant_client.post("/dashboard/merchant/rules", data=RULES)
    assert forged.status_code == 303 and rules(app) == before
    assert "The form expired" in merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    stranger = app.test_client().post("/dashboard/merchant/rules", data=RULES)
    assert stranger.status_code == 401 and rules(app) == before


PRODUCT_RULE = "/dashboard/merchant/rules/product"


def test_a_products_own_rule_is_set_and_removed_on_the_dashboard(demo, merchant_client):
    product = demo["base_url"] + "/demo/shop/products/merino-crew-sweater"
    form = {"product_url": product, "commission_percent": "15", "csrf_token": csrf(merchant_client)}
    assert merchant_client.post(PRODUCT_RULE, data=form).status_code == 303
    page = merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    assert f"Override for <code>{product}</code>: <strong>15 %" in page

    removal = {"product_url": product, "remove": "1", "csrf_token": csrf(merchant_client)}
    assert merchant_client.post(PRODUCT_RULE, data=removal).status_code == 303
    page = merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    assert "Override for" not in page and "Saved" in page


def test_another_shops_page_gets_no_rule(demo, merchant_client):
    form = {
        "product_url": "https://elsewhere.example/p/1",
        "commission_percent": "15",
        "csrf_token": csrf(merchant_client),
    }
    merchant_client.post(PRODUCT_RULE, data=form)
    page = merchant_client.get("/dashboard/merchant").get_data(as_text=True)
    assert "must be a page of your own shop" in page and "Override for" not in page


def test_the_api_removes_a_products_rule(client, demo):
    key = {"Authorization": "Bearer " + demo["merchant API key"]}
    product = demo["base_url"] + "/demo/shop/products/merino-crew-sweater"
    rule = {"bps": 1500, "product_url": product}
    client.put("/api/v1/merchants/me/commission", json=rule, headers=key)
    removed = client.delete(
        "/api/v1/merchants/me/commission", query_string={"product_url": product}, headers=key
    )
    assert removed.status_code == 200 and removed.get_json()["products"] == {}
    again = client.delete(
        "/api/v1/merchants/me/commission", query_string={"product_url": product}, headers=key
    )
    assert again.status_code == 404 and again.get_json()["error"]["code"] == "rule_not_found"
    assert client.delete("/api/v1/merchants/me/commission").status_code == 401
