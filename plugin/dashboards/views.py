"""Sharers' and merchants' numbers: the stats API and the dashboard pages.

Dashboards log in without passwords: a signed link (printed by ``make run``
for the demo) puts the sharer or merchant in the session cookie.
"""

from flask import Blueprint, redirect, render_template, request, session, url_for

from plugin import money
from plugin.catalog import services as catalog
from plugin.checkout import services as checkout
from plugin.dashboards import services
from plugin.sharing import services as sharing
from plugin.sharing.views import card_view
from plugin.web import visitor_locale
from widgets.snippets import embed_html

bp = Blueprint("dashboards", __name__, template_folder="templates")


@bp.get("/api/v1/sharers/me/stats")
def my_stats():
    return services.sharer_stats(sharing.sharer_for_token(request.headers.get("Authorization")))


@bp.get("/dashboard/login/<token>")
def login(token: str):
    kind, subject_id = services.read_login_token(token)
    session.clear()
    session[f"{kind}_id"] = subject_id
    return redirect(url_for(f"dashboards.{kind}_dashboard"))


@bp.get("/dashboard")
def sharer_dashboard():
    sharer = sharing.get_sharer(session.get("sharer_id", 0))
    if sharer is None:
        return render_template("dashboards/login_needed.html"), 401
    locale = visitor_locale()
    return render_template(
        "dashboards/sharer.html",
        sharer=sharer,
        stats=services.sharer_stats(sharer),
        cards=[card_view(card, locale) for card in sharing.cards_of(sharer)],
        orders=checkout.orders_of_sharer(sharer.id),
        money=money.format_money,
        embed_html=embed_html,
        script_url=url_for("static", filename="js/embed.js", _external=True),
    )


@bp.get("/dashboard/merchant")
def merchant_dashboard():
    merchant = catalog.get_merchant(session.get("merchant_id", 0))
    if merchant is None:
        return render_template("dashboards/login_needed.html"), 401
    report = services.merchant_report(merchant.id)
    ids = {row["sharer_id"] for row in report["leaderboard"]}
    ids |= {order.sharer_id for order in report["orders"]}
    return render_template(
        "dashboards/merchant.html",
        merchant=merchant,
        report=report,
        handles=sharing.handles(ids),
        money=money.format_money,
    )
