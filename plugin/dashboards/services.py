"""The funnel numbers dashboards and the stats API show, the dashboards' reports, and
the merchant's rules form.

Every number comes from the domains' services (``sharing`` counts visits,
``checkout`` counts orders and sums the commission ledger), each an aggregate
query: a page costs the same few queries however many clicks and orders there are.
"""

import re
from decimal import Decimal

from plugin import money
from plugin.catalog import services as catalog
from plugin.checkout import ledger, reports
from plugin.dashboards import charts
from plugin.errors import ApiError
from plugin.models import utcnow
from plugin.sharing import services as sharing
from plugin.sharing.models import Sharer


def sharer_stats(sharer: Sharer) -> dict:
    """The funnel (impressions → clicks → orders → sales) and the money, per currency.

    ``commission`` is what the sales earned net of refunds; ``balances`` splits it
    into pending (in the refund window or disputed), approved (payable) and paid.
    """
    return {
        "handle": sharer.handle,
        **sharing.visit_counts(sharer.id),
        **reports.sales_summary(sharer.id),
        "balances": {
            currency: {
                bucket: money.major_str(minor, currency) for bucket, minor in amounts.items()
            }
            for currency, amounts in ledger.balances(sharer.id).items()
        },
    }


DAYS = 30  # the charts' window, in UTC days ending today
RECENT = 15  # orders listed on a dashboard (the CSV has them all)


def _money_text(amounts: dict[str, int], locale: str) -> str:
    """``{"EUR": 890, "JPY": 1800}`` as ``"€8.90 + ¥1,800"``; nothing is ``"0"``."""
    shown = [money.format_money(minor, cur, locale) for cur, minor in sorted(amounts.items())]
    return " + ".join(shown) or "0"


def _money_fmt(currency: str, locale: str):
    return lambda minor: money.format_money(minor, currency, locale)


def sharer_dashboard(sharer: Sharer, locale: str = "en") -> dict:
    """What the sharer's dashboard shows: the funnel overall, per card and per day."""
    days = charts.days_ending(utcnow().date(), DAYS)
    visits = sharing.visit_counts(sharer.id)
    sales = reports.sales_summary(sharer.id)
    per_card_visits = sharing.card_visit_counts(sharer.id)
    per_card_sales = reports.card_sales(sharer.id)
    earned: dict[str, int] = {}
    for row in per_card_sales.values():
        for cur, minor in row["earned"].items():
            earned[cur] = earned.get(cur, 0) + minor
    balances = ledger.balances(sharer.id)
    revenue = {
        cur: money.to_minor(money.parse_decimal(text), cur)
        for cur, text in sales["revenue"].items()
    }
    currencies = sorted(set(earned) | set(balances) | set(revenue))
    money_rows = [
        {
            "currency": cur,
            "revenue_minor": revenue.get(cur, 0),
            "earned_minor": earned.get(cur, 0),
            **{b: balances.get(cur, {}).get(b, 0) for b in ("pending", "approved", "paid")},
        }
        for cur in currencies
    ]

    def steps(v: dict, s: dict) -> list[tuple[str, int]]:
        return [
            ("Impressions", v.get("impressions", 0)),
            ("Unique clicks", v.get("clicks", 0)),
            ("Checkouts", s.get("orders", 0)),
            ("Sales", s.get("sales", 0)),
        ]

    own_cards = {card.id: card for card in sharing.cards_of(sharer)}
    cards = {}
    for card_id, card in own_cards.items():
        v, s = per_card_visits.get(card_id, {}), per_card_sales.get(card_id, {})
        cards[card.code] = charts.funnel(
            f"funnel-card-{card.code}",
            "Funnel of this card",
            steps(v, s),
            _money_text(s.get("earned", {}), locale),
            width=470,
        )
    reshare_earnings: dict[str, int] = {}  # from other sharers' cards that reshare this one's
    for card_id, row in per_card_sales.items():
        if card_id not in own_cards:
            for cur, minor in row["earned"].items():
                reshare_earnings[cur] = reshare_earnings.get(cur, 0) + minor

    daily_visits = sharing.daily_visit_counts(sharer.id, DAYS)
    daily_sales = reports.daily_sales(sharer.id, DAYS)

    def series(source: dict, key: str) -> dict[str, int]:
        return {day: row.get(key, 0) for day, row in source.items()}

    daily = [
        charts.daily_chart(
            "daily-impressions",
            "Impressions",
            days,
            series(daily_visits, "impressions"),
            charts.count_text("impression"),
        ),
        charts.daily_chart(
            "daily-clicks",
            "Unique clicks",
            days,
            series(daily_visits, "clicks"),
            charts.count_text("unique click"),
        ),
        charts.daily_chart(
            "daily-checkouts",
            "Checkouts",
            days,
            series(daily_sales, "orders"),
            charts.count_text("checkout"),
        ),
        charts.daily_chart(
            "daily-sales", "Sales", days, series(daily_sales, "sales"), charts.count_text("sale")
        ),
    ]
    for cur in sorted(earned) or ["EUR"]:
        daily.append(
            charts.daily_chart(
                f"daily-earnings-{cur}",
                f"Earnings in {cur}",
                days,
                {day: row["earned"].get(cur, 0) for day, row in daily_sales.items()},
                _money_fmt(cur, locale),
            )
        )
    return {
        "funnel": charts.funnel(
            "funnel", "Your funnel, all time", steps(visits, sales), _money_text(earned, locale)
        ),
        "card_funnels_by_code": cards,
        "money_rows": money_rows,
        "reshare_earnings": reshare_earnings,
        "daily": daily,
        "days": DAYS,
    }


def merchant_dashboard(merchant, locale: str = "en") -> dict:
    """What the merchant's dashboard shows: leaderboard, products, days, flags, payouts due."""
    days = charts.days_ending(utcnow().date(), DAYS)
    sharers = reports.merchant_sharers(merchant.id)
    products = reports.merchant_products(merchant.id)
    flagged_count, flagged = reports.merchant_self_referrals(merchant.id)
    payouts_due = reports.merchant_payouts_due(merchant.id)
    recent = reports.recent_orders(merchant_id=merchant.id, limit=RECENT)
    commissions = reports.commission_by_order(order.id for order in recent)
    daily_rows = reports.merchant_daily(merchant.id, DAYS)

    totals: dict[str, dict[str, int]] = {}
    for row in products:
        total = totals.setdefault(
            row["currency"], {"orders": 0, "sales": 0, "revenue_minor": 0, "commission_minor": 0}
        )
        for key in total:
            total[key] += row[key]
    # Commission to uplines of reshares is booked on the same orders, so products' sums
    # include it; a currency with commission only is still a currency of the shop.
    for row in sharers:
        totals.setdefault(
            row["currency"], {"orders": 0, "sales": 0, "revenue_minor": 0, "commission_minor": 0}
        )

    def top_of(rows: list[dict], key: str) -> dict[str, int]:
        best: dict[str, int] = {}
        for row in rows:
            best[row["currency"]] = max(best.get(row["currency"], 0), row[key])
        return best

    daily = [
        charts.daily_chart(
            "daily-sales",
            "Sales",
            days,
            {day: sum(r["sales"] for r in row.values()) for day, row in daily_rows.items()},
            charts.count_text("sale"),
        )
    ]
    for cur in sorted(totals) or ["EUR"]:
        for key, title in (("revenue_minor", "Revenue"), ("commission_minor", "Commission")):
            daily.append(
                charts.daily_chart(
                    f"daily-{key.split('_')[0]}-{cur}",
                    f"{title} in {cur}",
                    days,
                    {day: row[cur][key] for day, row in daily_rows.items() if cur in row},
                    _money_fmt(cur, locale),
                )
            )
    for rank, row in enumerate(sharers, 1):  # ranks restart with each currency
        previous = sharers[rank - 2] if rank > 1 else None
        row["rank"] = (
            1
            if previous is None or previous["currency"] != row["currency"]
            else (previous["rank"] + 1)
        )
    ids = {row["sharer_id"] for row in sharers} | {row["sharer_id"] for row in payouts_due}
    ids |= {order.sharer_id for order in recent} | {order.sharer_id for order in flagged}
    return {
        "rules": _rules_text(catalog.commission_rules(merchant), merchant.commission_bps),
        "totals": totals,
        "sharers": sharers,
        "sharers_top": top_of(sharers, "revenue_minor"),
        "products": products,
        "products_top": top_of(products, "revenue_minor"),
        "flagged_count": flagged_count,
        "flagged": flagged,
        "payouts_due": payouts_due,
        "orders": recent,
        "commissions": commissions,
        "daily": daily,
        "days": DAYS,
        "handles": sharing.handles(ids),
    }


def _rules_text(rules: dict, fallback_bps: int) -> dict:
    """The commission rule and per-product overrides in words (``"12 % of each sale"``).

    A flat amount applies to orders in its currency; others earn ``fallback_bps``.
    """

    def words(rule: dict) -> str:
        if "flat" in rule:
            flat = money.format_money(
                money.to_minor(money.parse_decimal(rule["flat"]), rule["currency"]),
                rule["currency"],
            )
            return (
                f"{flat} per item sold in {rule['currency']} "
                f"({fallback_bps / 100:g} % in other currencies)"
            )
        return f"{rule['bps'] / 100:g} % of each sale, net of refunds"

    return {
        "default": words(rules["default"]),
        "products": sorted((url, words(rule)) for url, rule in rules["products"].items()),
    }


# The form's fields in the words its labels use.
_FIELD_WORDS = {
    "refund_window_days": "the refund window (0 to 365 days)",
    "attribution": "the attribution",
    "attribution_window_days": "the attribution window (1 to 365 days)",
    "reshare_share_bps": "what reshares pass on (0 to 50 %)",
}
_PERCENT = re.compile(r"\s*(\d{1,3}(?:[.,]\d{1,2})?)\s*%?\s*")


def update_merchant_rules(merchant, form) -> None:
    """The dashboard's rules form: commission and reshare as percentages, the refund
    window, attribution and its window. All or nothing: one bad field changes none."""
    commission = _commission(form)
    settings = {
        "refund_window_days": _whole_number(form.get("refund_window_days")),
        "attribution": form.get("attribution"),
        "attribution_window_days": _whole_number(form.get("attribution_window_days")),
        "reshare_share_bps": _basis_points(form.get("reshare_percent") or "0"),
    }
    if refused := catalog.refused_settings(settings):
        fields = ", ".join(_FIELD_WORDS[name] for name in refused)
        raise ApiError("invalid_settings", f"Nothing was saved: check {fields}.", 422)
    catalog.update_settings(merchant, settings)
    catalog.set_commission_rule(merchant, {"bps": commission})


def set_product_rule(merchant, form) -> None:
    """The dashboard's form for one product's own commission, or its removal."""
    product_url = form.get("product_url", "").strip()
    if form.get("remove"):
        catalog.remove_commission_override(merchant, product_url)
        return
    catalog.set_commission_rule(merchant, {"bps": _commission(form), "product_url": product_url})


def _commission(form) -> int:
    """The form's commission percentage in basis points; a 422 for anything else."""
    commission = _basis_points(form.get("commission_percent"))
    if commission is None:
        raise ApiError("invalid_rule", "The commission is a percentage from 0 to 100.", 422)
    return commission


def _basis_points(value: object) -> int | None:
    """ "12.5" (per cent) -> 1250, or None for anything that is not 0 to 100 %."""
    match = _PERCENT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    basis_points = int(Decimal(match.group(1).replace(",", ".")) * 100)
    return basis_points if basis_points <= 10_000 else None


def _whole_number(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.strip().isdecimal() else None
