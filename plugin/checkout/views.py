"""Checkout API, provider webhooks, and the demo provider's payment page."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from plugin import money
from plugin.accounts import services as accounts
from plugin.catalog import services as catalog
from plugin.checkout import ledger, services
from plugin.checkout.providers import get_provider
from plugin.errors import ApiError
from plugin.extensions import limiter
from plugin.sharing import services as sharing
from plugin.web import json_body

bp = Blueprint("checkout", __name__, template_folder="templates")


@bp.post("/api/v1/checkout")
@limiter.limit("30 per minute")
def checkout():
    body = json_body()
    order = services.start_checkout(
        body.get("card"),
        body.get("quantity", 1),
        body.get("variant"),
        body.get("click"),
        request.headers.get("Idempotency-Key"),
        embedded=body.get("embedded") is True,
    )
    return _order_json(order), 201


@bp.get("/api/v1/orders/<order_id>")
def order_status(order_id: str):
    """An order's state, for the widget waiting on a payment (order ids are unguessable)."""
    return _order_json(services.get_order(order_id))


def _order_json(order) -> dict:
    body = {
        "order_id": order.id,
        "checkout_url": order.checkout_url,
        "status": order.status,
        "quantity": order.quantity,
        "total": money.major_str(order.total_minor, order.currency),
        "currency": order.currency,
    }
    if order.checkout_client_secret and order.status == "pending":
        body["embedded"] = services.embedded_checkout(order)
    return body


@bp.post("/c/<code>/buy")
def buy_form(code: str):
    """Buy from the card page without JavaScript: start a checkout, go to the provider."""
    try:
        order = services.start_checkout(
            code,
            request.form.get("quantity", 1, type=int),
            request.form.get("variant") or None,
            request.form.get("click", type=int),
        )
    except ApiError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return redirect(url_for("sharing.card_page", code=code), 303)
    return redirect(order.checkout_url, 303)


@bp.post("/webhooks/<provider>")
def webhook(provider: str):
    outcome = services.receive_webhook(provider, request.get_data(), request.headers)
    return {"received": True, "outcome": outcome}


@bp.get("/checkout/demo/<session_id>")
def demo_checkout_page(session_id: str):
    order = services.order_for_session(session_id)
    return render_template(
        "checkout/demo.html",
        order=order,
        unit_price=money.format_money(order.unit_price_minor, order.currency),
        total=money.format_money(order.total_minor, order.currency),
        card_url=services.card_url(order),
    )


@bp.post("/checkout/demo/<session_id>/pay")
def demo_pay(session_id: str):
    """The demo "provider" confirms payment by sending its webhook down the real path."""
    provider = get_provider("demo")
    order = services.order_for_session(session_id)
    if order.provider != provider.name:
        abort(404)
    payload, headers = provider.completion_event(order)
    services.receive_webhook(provider.name, payload, headers)
    flash(f"Paid. Thank you! Order {order.id} is confirmed.", "notice")
    return redirect(services.card_url(order, paid=True), 303)


@bp.post("/dashboard/merchant/stripe/connect")
def connect_stripe():
    """Send the logged-in merchant to Stripe's onboarding for its connected account."""
    merchant = accounts.signed_in_merchant()
    if merchant is None:
        abort(401)
    return _connect(merchant, catalog.set_stripe_account, "dashboards.merchant_dashboard")


@bp.post("/dashboard/stripe/connect")
def connect_sharer_stripe():
    """Send the logged-in sharer to Stripe's onboarding, so payouts arrive by transfer."""
    sharer = accounts.signed_in_sharer()
    if sharer is None:
        abort(401)
    return _connect(sharer, sharing.set_stripe_account, "dashboards.sharer_dashboard")


def _connect(account_holder, remember, dashboard_endpoint: str):
    dashboard = url_for(dashboard_endpoint, _external=True)
    account_id, onboarding_url = get_provider("stripe").connect_account(
        account_holder.stripe_account_id, refresh_url=dashboard, return_url=dashboard
    )
    remember(account_holder, account_id)
    return redirect(onboarding_url, 303)


@bp.post("/api/v1/conversions")
def conversion():
    """A sale on the merchant's own site, reported with the click id the card's link carried."""
    merchant = catalog.merchant_for_key(request.headers.get("Authorization"))
    order, created = services.record_conversion(merchant, json_body())
    commission = ledger.commission_of(order)
    body = {
        "order_id": order.id,
        "order_ref": order.external_ref,
        "status": order.status,
        "commission": commission,
    }
    return body, 201 if created else 200
