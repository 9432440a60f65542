"""Sharers' and merchants' numbers: the stats API and the dashboard pages.

Dashboards log in without passwords: a signed link (printed by ``make run``
for the demo) puts the sharer or merchant in the session cookie.
"""

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from decimal import Decimal

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from plugin import money
from plugin.accounts import services as accounts
from plugin.checkout import reports
from plugin.dashboards import services
from plugin.errors import ApiError
from plugin.sharing import services as sharing
from plugin.sharing.views import card_view
from plugin.web import visitor_locale
from widgets.snippets import embed_html

bp = Blueprint("dashboards", __name__, template_folder="templates")


@bp.get("/api/v1/sharers/me/stats")
def my_stats():
    return services.sharer_stats(sharing.sharer_for_token(request.headers.get("Authorization")))


@bp.get("/dashboard")
def sharer_dashboard():
    sharer = accounts.signed_in_sharer()
    if sharer is None:
        return render_template("dashboards/login_needed.html"), 401
    locale = visitor_locale()
    return render_template(
        "dashboards/sharer.html",
        sharer=sharer,
        report=services.sharer_dashboard(sharer, locale),
        cards=[card_view(card, locale) for card in sharing.cards_of(sharer)],
        orders=reports.recent_orders(sharer_id=sharer.id, limit=services.RECENT),
        money=_money(locale),
        embed_html=embed_html,
        script_url=url_for("static", filename="js/embed.js", _external=True),
        csrf_token=accounts.csrf_token(),
    )


@bp.post("/dashboard/token")
def new_api_token():
    """A new API token for the signed-in sharer, shown once; the earlier one stops working."""
    sharer = accounts.signed_in_sharer()
    if sharer is None:
        return render_template("dashboards/login_needed.html"), 401
    try:
        accounts.check_csrf(request.form.get("csrf_token"))
    except ApiError as error:
        flash(error.message, "error")
        return redirect(url_for("dashboards.sharer_dashboard"), 303)
    page = render_template(
        "dashboards/token.html", sharer=sharer, token=sharing.replace_token(sharer)
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/dashboard/merchant/rules")
def merchant_rules():
    """The rules form on the merchant dashboard; back to its top, saying how it went."""
    return _merchant_form(services.update_merchant_rules)


@bp.post("/dashboard/merchant/rules/product")
def merchant_product_rule():
    """One product's own commission, set or removed from the merchant dashboard."""
    return _merchant_form(services.set_product_rule)


def _merchant_form(apply):
    merchant = accounts.signed_in_merchant()
    if merchant is None:
        return render_template("dashboards/login_needed.html"), 401
    try:
        accounts.check_csrf(request.form.get("csrf_token"))
        apply(merchant, request.form)
    except ApiError as error:
        flash(error.message, "error")
    else:
        flash("Saved: sales from now on follow these rules.", "saved")
    return redirect(url_for("dashboards.merchant_dashboard"), 303)


def _money(locale: str):
    return lambda minor, currency: money.format_money(minor, currency, locale)


@bp.get("/dashboard/merchant")
def merchant_dashboard():
    merchant = accounts.signed_in_merchant()
    if merchant is None:
        return render_template("dashboards/login_needed.html"), 401
    locale = visitor_locale()
    return render_template(
        "dashboards/merchant.html",
        merchant=merchant,
        report=services.merchant_dashboard(merchant, locale),
        money=_money(locale),
        csrf_token=accounts.csrf_token(),
    )


# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell for a CSV a spreadsheet may open: text that could start a formula is quoted
    with a leading ``'``. Numbers we computed (``int``, ``Decimal``) stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _csv(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """A streamed CSV download (RFC 4180 quoting by the csv module)."""

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for cells in itertools.chain([header], rows):
            writer.writerow([csv_cell(cell) for cell in cells])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _major(minor: int, currency: str) -> Decimal:
    return money.to_major(minor, currency)


def _when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


@bp.get("/dashboard/merchant/orders.csv")
def merchant_orders_csv():
    """Every order of the logged-in merchant, with its sharer and commission."""
    merchant = accounts.signed_in_merchant()
    if merchant is None:
        return render_template("dashboards/login_needed.html"), 401
    rows = reports.merchant_orders_export(merchant.id)
    handles: dict[int, str] = {}

    def orders() -> Iterator[tuple]:
        """The orders in batches, with one query for each batch's new sharers' handles."""
        while batch := list(itertools.islice(rows, 500)):
            handles.update(sharing.handles({o.sharer_id for o, _ in batch} - set(handles)))
            yield from batch

    def lines() -> Iterator[list]:
        for order, commission in orders():
            cur = order.currency
            yield [
                order.id,
                _when(order.created_at),
                _when(order.paid_at),
                order.status,
                order.product_name,
                order.sku,
                order.quantity,
                _major(order.unit_price_minor, cur),
                _major(order.total_minor, cur),
                _major(order.refunded_minor, cur),
                cur,
                handles.get(order.sharer_id, ""),
                _major(commission, cur),
                "yes" if order.self_referral else "no",
                order.provider,
                order.external_ref,
            ]

    return _csv(
        "orders.csv",
        [
            "order",
            "created_at",
            "paid_at",
            "status",
            "product",
            "sku",
            "quantity",
            "unit_price",
            "total",
            "refunded",
            "currency",
            "sharer",
            "commission",
            "self_referral",
            "provider",
            "your_order_ref",
        ],
        lines(),
    )


@bp.get("/dashboard/merchant/payouts.csv")
def merchant_payouts_csv():
    """Unpaid commission on the logged-in merchant's orders, per sharer and currency."""
    merchant = accounts.signed_in_merchant()
    if merchant is None:
        return render_template("dashboards/login_needed.html"), 401
    due = reports.merchant_payouts_due(merchant.id)
    handles = sharing.handles({row["sharer_id"] for row in due})
    return _csv(
        "payouts-due.csv",
        ["sharer", "currency", "due", "pending"],
        (
            [
                handles.get(row["sharer_id"], ""),
                row["currency"],
                _major(row["due_minor"], row["currency"]),
                _major(row["pending_minor"], row["currency"]),
            ]
            for row in due
        ),
    )
