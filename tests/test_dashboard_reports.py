"""The dashboards' charts, reports and CSV exports: right numbers, escaped, only one's own."""

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import event, update

from plugin.dashboards import charts
from plugin.dashboards.views import csv_cell
from plugin.extensions import db
from plugin.models import utcnow

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CRAWLER = "facebookexternalhit/1.1"


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _buy(client, code="trail-lena", quantity=1, pay=True) -> str:
    """Visit the card as a browser, start a checkout, pay it on the demo page; the order id."""
    page = client.get(f"/c/{code}", headers={"User-Agent": BROWSER}).get_data(as_text=True)
    click = int(re.search(r'name="click" value="(\d+)"', page).group(1))
    option = re.search(r'<option value="([^"]+)">', page)  # the first variant one can buy
    body = {"card": code, "quantity": quantity, "click": click}
    started = client.post(
        "/api/v1/checkout", json=body | ({"variant": option.group(1)} if option else {})
    ).get_json()
    if pay:
        assert client.post(_path(started["checkout_url"]) + "/pay").status_code == 303
    return started["order_id"]


def _self_referral(app, client) -> str:
    """Lena buys through her own card, paying with her own address: flagged, no commission."""
    from plugin.checkout.providers import get_provider
    from plugin.checkout.services import get_order
    from plugin.sharing.services import get_sharer

    order_id = _buy(client, pay=False)
    with app.app_context():
        order = get_order(order_id)
        payload, headers = get_provider("demo").signed_event(
            "checkout.session.completed",
            {
                "id": order.provider_session_id,
                "object": "checkout.session",
                "amount_total": order.total_minor,
                "currency": order.currency.lower(),
                "payment_status": "paid",
                "customer_details": {"email": get_sharer(order.sharer_id).email},
                "metadata": {"order_id": order.id},
            },
        )
    assert client.post("/webhooks/demo", data=payload, headers=headers).status_code == 200
    return order_id


def _log_in(client, **subject) -> None:
    with client.session_transaction() as session:
        session.clear()
        session.update(subject)


def _ids(app):
    from plugin.catalog.services import get_snapshot
    from plugin.sharing.services import get_card

    with app.app_context():
        card = get_card("trail-lena")
        return card.sharer_id, get_snapshot(card.product_id).merchant_id


def _svg(html: str, chart_id: str) -> str:
    """The inline SVG of one chart."""
    return re.search(rf'<svg[^>]*data-chart="{chart_id}".*?</svg>', html, re.S).group(0)


def test_daily_chart_and_funnel_geometry_and_words():
    days = charts.days_ending(utcnow().date(), 30)
    assert len(days) == 30 and days[-1] == utcnow().date().isoformat()
    chart = charts.daily_chart(
        "c", "Sales", days, {days[-1]: 2, days[0]: 1}, charts.count_text("sale")
    )
    assert [bar.value for bar in chart.bars][::29] == [1, 2]
    assert chart.bars[-1].height == 2 * chart.bars[0].height == chart.bottom - chart.top
    assert chart.desc.endswith(f"3 sales in all; today 2 sales; most on {days[-1]} with 2 sales.")
    assert charts.daily_chart("e", "Sales", days, {}, str).desc.endswith("none yet.")
    funnel = charts.funnel(
        "f",
        "Funnel",
        [("Impressions", 2), ("Unique clicks", 4), ("Checkouts", 2), ("Sales", 1)],
        "€8.90",
    )
    assert funnel.desc == (
        "Impressions 2, unique clicks 4, checkouts 2 (50% of clicks), "
        "sales 1 (50% of checkouts), earnings €8.90."
    )


def test_sharer_charts_count_todays_clicks_and_sales(app, client, demo):
    client.get("/c/trail-lena", headers={"User-Agent": CRAWLER})  # an impression
    _buy(client, quantity=2)
    _buy(client, code="merino-crew-sweater-lena", pay=False)  # a checkout, not paid
    sharer_id, _ = _ids(app)
    _log_in(client, sharer_id=sharer_id)
    html = client.get("/dashboard").get_data(as_text=True)
    today = utcnow().date().isoformat()

    funnel = _svg(html, "funnel")
    assert 'role="img"' in funnel and 'aria-labelledby="funnel-title funnel-desc"' in funnel
    assert (
        "Impressions 1, unique clicks 2, checkouts 2 (100% of clicks), "
        "sales 1 (50% of checkouts), earnings €17.80." in funnel
    )
    clicks = _svg(html, "daily-clicks")
    assert f'<g data-day="{today}" data-value="2"><title>{today}: 2 unique clicks</title>' in clicks
    assert "2 unique clicks in all; today 2 unique clicks" in clicks
    assert f"today 1 sale; most on {today} with 1 sale." in _svg(html, "daily-sales")
    assert "today €17.80" in _svg(html, "daily-earnings-EUR")
    assert f'<th scope="row">{today}</th><td>2 checkouts</td>' in html  # the hidden data table
    card = _svg(html, "funnel-card-trail-lena")
    assert "Impressions 1, unique clicks 1, checkouts 1 (100% of clicks)" in card
    assert "<td>€8.90</td>" not in html and "<td>€17.80</td>" in html  # pending


def test_merchant_sees_self_referrals_payouts_due_and_products(app, client, demo):
    from plugin.checkout.ledger import approve_due_commissions

    paid = _buy(client)
    flagged = _self_referral(app, client)
    with app.app_context():
        approve_due_commissions(utcnow() + timedelta(days=15))
    sharer_id, merchant_id = _ids(app)
    _log_in(client, merchant_id=merchant_id)
    html = client.get("/dashboard/merchant").get_data(as_text=True)

    assert "10 % of each sale, net of refunds" in html
    section = html[html.index('id="self-referrals"') : html.index('id="payouts"')]
    assert flagged in section and paid not in section
    assert re.search(rf"<code>{flagged}</code>.*?self-referral</span>", html, re.S)
    due = html[html.index('id="payouts"') : html.index('id="orders"')]
    assert re.search(r"@lena</td><td>EUR</td>\s*<td class=\"num\"><strong>€8.90</strong>", due)
    products = html[html.index('id="products"') : html.index('id="self-referrals"')]
    assert re.search(r"Alpine Trail Runner Backpack 18L</td><td class=\"num\">2</td>", products)
    assert "€178.00" in products and "€8.90" in products  # revenue of both; commission of one

    payouts = client.get("/dashboard/merchant/payouts.csv")
    assert payouts.mimetype == "text/csv"
    assert list(csv.reader(io.StringIO(payouts.get_data(as_text=True)))) == [
        ["sharer", "currency", "due", "pending"],
        ["lena", "EUR", "8.90", "0.00"],
    ]


def test_orders_csv_is_complete_and_defuses_formulas(app, client, demo):
    from plugin.checkout.models import Order

    first, second = _buy(client), _buy(client, quantity=2)
    with app.app_context():
        db.session.execute(
            update(Order)
            .where(Order.id == second)
            .values(product_name='=HYPERLINK("http://evil.example","<b>x</b>")')
        )
        db.session.commit()
    _, merchant_id = _ids(app)
    _log_in(client, merchant_id=merchant_id)
    response = client.get("/dashboard/merchant/orders.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["order"] for row in rows] == [first, second]
    assert rows[0]["product"] == "Alpine Trail Runner Backpack 18L"
    assert rows[1]["product"] == '\'=HYPERLINK("http://evil.example","<b>x</b>")'
    assert (rows[1]["quantity"], rows[1]["total"], rows[1]["commission"]) == (
        "2",
        "178.00",
        "17.80",
    )
    assert (rows[1]["currency"], rows[1]["sharer"], rows[1]["status"]) == ("EUR", "lena", "paid")

    html = client.get("/dashboard/merchant").get_data(as_text=True)
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html  # escaped on the page


def test_csv_cells_that_could_be_formulas_are_quoted():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(text) == "'" + text
    assert csv_cell("Backpack") == "Backpack" and csv_cell(None) == ""
    from decimal import Decimal

    assert csv_cell(Decimal("-8.90")) == Decimal("-8.90")  # our own numbers stay numbers


def test_dashboards_and_exports_need_a_login_and_show_only_ones_own(app, client, demo):
    from plugin.catalog.models import Merchant, ProductSnapshot
    from plugin.checkout.models import Order
    from plugin.sharing.models import Card

    for path in (
        "/dashboard",
        "/dashboard/merchant",
        "/dashboard/merchant/orders.csv",
        "/dashboard/merchant/payouts.csv",
    ):
        assert client.get(path).status_code == 401, path
    sharer_id, merchant_id = _ids(app)
    _log_in(client, sharer_id=sharer_id)  # before any activity: empty, not broken
    assert "none yet." in client.get("/dashboard").get_data(as_text=True)
    _log_in(client, merchant_id=merchant_id)
    assert "No sales yet." in client.get("/dashboard/merchant").get_data(as_text=True)
    mine = _buy(client)
    _log_in(client, sharer_id=sharer_id)  # a sharer is not a merchant
    assert client.get("/dashboard/merchant/orders.csv").status_code == 401

    with app.app_context():  # another shop, with a sale by the same sharer
        other = Merchant(domain="other.example", name="Other Shop", commission_bps=500)
        db.session.add(other)
        db.session.flush()
        snapshot = ProductSnapshot(
            url="https://other.example/p",
            merchant_id=other.id,
            name="Secret Other Product",
            data={},
            content_hash="x",
            fetched_at=utcnow(),
        )
        db.session.add(snapshot)
        db.session.flush()
        card = Card(code="other-lena", product_id=snapshot.id, sharer_id=sharer_id)
        db.session.add(card)
        db.session.flush()
        db.session.add(
            Order(
                id="ord_other",
                card_id=card.id,
                sharer_id=sharer_id,
                product_id=snapshot.id,
                merchant_id=other.id,
                product_name="Secret Other Product",
                quantity=1,
                unit_price_minor=5000,
                currency="EUR",
                total_minor=5000,
                provider="demo",
                status="paid",
                paid_at=utcnow(),
            )
        )
        db.session.commit()
        other_id = other.id

    _log_in(client, merchant_id=merchant_id)
    html = client.get("/dashboard/merchant").get_data(as_text=True)
    exported = client.get("/dashboard/merchant/orders.csv").get_data(as_text=True)
    assert mine in html and mine in exported
    assert "Secret Other Product" not in html + exported and "ord_other" not in html + exported
    _log_in(client, merchant_id=other_id)
    exported = client.get("/dashboard/merchant/orders.csv").get_data(as_text=True)
    assert "ord_other" in exported and mine not in exported


def test_dashboards_cost_the_same_queries_for_more_orders(app, client, demo):
    sharer_id, merchant_id = _ids(app)
    with app.app_context():
        engine = db.engine
    statements = []

    def count(*_args):
        statements.append(1)

    def queries() -> tuple[int, int]:
        event.listen(engine, "before_cursor_execute", count)
        try:
            sizes = []
            for subject, path in (
                ({"sharer_id": sharer_id}, "/dashboard"),
                ({"merchant_id": merchant_id}, "/dashboard/merchant"),
            ):
                _log_in(client, **subject)
                statements.clear()
                assert client.get(path).status_code == 200
                sizes.append(len(statements))
            return tuple(sizes)
        finally:
            event.remove(engine, "before_cursor_execute", count)

    _buy(client)
    before = queries()
    for code in ("trail-lena", "merino-crew-sweater-lena", "field-notebook-3pack-lena"):
        _buy(client, code=code)
    assert queries() == before
