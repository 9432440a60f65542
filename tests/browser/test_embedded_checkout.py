"""Stripe's Embedded Checkout inside the widget's overlay, for shops that choose it.

Stripe.js cannot be fetched here, so the browser is handed a stand-in for it at
its real address; what is tested is ogstore's side: the session is made on the
shop's account with ui_mode embedded, the widget loads Stripe.js only on intent,
mounts the form with the right key, account and secret, and hears of the payment.
"""

import json
import time

import pytest
import requests
import stripe
from playwright.sync_api import expect

from plugin.catalog.models import Merchant
from plugin.checkout.models import Order
from plugin.extensions import db

pytestmark = pytest.mark.browser

WEBHOOK_SECRET = "whsec_test_stripe"  # stripe_settings in tests/conftest.py
STRIPE_JS = """
window.Stripe = function (key, options) {
  window.__stripe = {key: key, account: options && options.stripeAccount};
  return {
    initEmbeddedCheckout: async function (o) {
      window.__stripe.secret = await o.fetchClientSecret();
      return {
        mount: function (el) {
          const pay = document.createElement("button");
          pay.textContent = "Pay with the stand-in";
          pay.onclick = function () { o.onComplete(); };
          el.append(pay);
        },
        destroy: function () {},
      };
    },
  };
};
"""


@pytest.fixture
def app(app_factory, stripe_settings):
    return app_factory(**stripe_settings, OGSTORE_STRIPE_PUBLISHABLE_KEY="pk_test_ogstore")


def test_the_shops_stripe_form_opens_in_the_overlay(app, demo, live_server, blog_server, context):
    with app.app_context():
        merchant = db.session.query(Merchant).one()
        merchant.stripe_account_id, merchant.embedded_checkout = "acct_shop", True
        db.session.commit()
    embed = requests.get(f"{live_server}/api/v1/cards/trail-lena", timeout=5).json()["embed_html"]
    page_html = (
        "<!doctype html><html><head><title>post</title><script>window.__events = [];"
        "document.addEventListener('ogstore:paid', e => window.__events.push(e.detail));"
        f"</script></head><body>{embed}</body></html>"
    )
    page = context.new_page()
    stripe_js_requests = []

    def stand_in(route):
        stripe_js_requests.append(route.request.url)
        route.fulfill(status=200, content_type="application/javascript", body=STRIPE_JS)

    page.route("https://js.stripe.com/v3/", stand_in)
    page.goto(blog_server(page_html, path="/embedded"))
    widget = page.locator('ogstore-card[code="trail-lena"]')
    expect(widget.locator("[part=name]")).to_be_visible()
    assert stripe_js_requests == []  # nothing from Stripe before the buyer shows intent

    widget.get_by_role("button", name="Buy").click()
    dialog = widget.get_by_role("dialog", name="Checkout")
    form_button = dialog.get_by_role("button", name="Pay with the stand-in")
    expect(form_button).to_be_visible()
    assert stripe_js_requests == ["https://js.stripe.com/v3/"]
    mounted = page.evaluate("window.__stripe")
    assert mounted["key"] == "pk_test_ogstore" and mounted["account"] == "acct_shop"
    assert mounted["secret"].endswith("_secret_fake")

    # Stripe confirms by webhook; the form says it is complete; the widget hears of it.
    with app.app_context():
        order = db.session.query(Order).one()
        session = {
            "id": order.provider_session_id,
            "object": "checkout.session",
            "amount_total": order.total_minor,
            "currency": "eur",
            "payment_status": "paid",
            "metadata": {"order_id": order.id},
        }
        order_id = order.id
    body = json.dumps(
        {
            "id": "evt_embedded",
            "object": "event",
            "created": int(time.time()),
            "type": "checkout.session.completed",
            "data": {"object": session},
        }
    )
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET)
    delivered = requests.post(
        f"{live_server}/webhooks/stripe", data=body, headers={"Stripe-Signature": header}, timeout=5
    )
    assert delivered.json()["outcome"] == "paid"
    form_button.click()
    page.wait_for_function("window.__events.length > 0")
    assert page.evaluate("window.__events") == [{"code": "trail-lena", "order_id": order_id}]
    expect(dialog.get_by_role("status")).to_have_text("Paid. Thank you!")
