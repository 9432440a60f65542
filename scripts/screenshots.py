"""Screenshots of both dashboards for the docs, made from the demo data.

    .venv/bin/python scripts/screenshots.py [--out docs/img]

What it does, end to end, on a throwaway SQLite database:

1. migrates a fresh database and serves the app on 127.0.0.1 (a random port),
   then seeds the demo (``plugin.demo.seed.seed_demo``) against it;
2. makes three more sharers through the API (``POST /api/v1/sharers``) and their
   cards (``POST /api/v1/cards``, read through the safe fetcher like any shop);
3. plays three weeks of activity over HTTP: visits with browsers' user agents
   (links, QR scans, embeds), link-preview crawlers and HEAD requests, checkouts
   (``POST /api/v1/checkout``) paid on the demo provider's page
   (``POST /checkout/demo/<session>/pay``), a partial refund and a sharer buying
   through her own card (signed webhooks, as the demo provider signs them);
4. runs a payout the way ``ogstore payouts create`` does, part-way through;
5. opens the printed login links in Chromium (Playwright, Debian's
   ``/usr/bin/chromium``) and saves full-page screenshots of both dashboards.

Everything happens today, so after each simulated day the rows that day made
are moved back to it (their timestamps only): that is what lets the charts show
three weeks. The numbers on the screenshots are otherwise exactly what the app
computed from those requests. Randomness is seeded: runs look alike.
"""

import argparse
import os
import random
import re
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import func, select, update
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("OGSTORE_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DAYS = 21  # of simulated activity, ending today
PAYOUT_AFTER = 17  # a payout runs once the days this many days ago are played

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_{v} like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_{v}) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/{v}.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:{v}.0) Gecko/20100101 Firefox/{v}.0",
]
CRAWLERS = [
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "Twitterbot/1.0",
    "WhatsApp/2.23.20.0",
]
REFERRERS = [
    "https://www.instagram.com/",
    "https://t.co/",
    "https://www.reddit.com/r/trailrunning/",
    None,
]
# Extra sharers and the demo products they share (slugs from plugin/demo/products.py).
SHARERS = {
    "maya_outdoors": ["trail-runner-backpack", "merino-crew-sweater"],
    "theo_runs": ["trail-runner-backpack"],
    "jun_notes": ["field-notebook-3pack"],
}
# How often each sharer's visitors buy (so the leaderboard has an order).
APPETITE = {"lena": 0.30, "maya_outdoors": 0.22, "theo_runs": 0.15, "jun_notes": 0.35}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ogstore-screens-") as tmp:
        run(Path(tmp), args.out)


def run(tmp: Path, out: Path) -> None:
    os.environ.setdefault("OGSTORE_SECRET_KEY", "screenshots-" + os.urandom(8).hex())
    os.environ["OGSTORE_FETCH_ALLOW"] = "127.0.0.1"
    os.environ["OGSTORE_DATABASE_URL"] = f"sqlite:///{tmp / 'demo.sqlite'}"
    from flask_migrate import upgrade

    from plugin import create_app
    from plugin.demo.seed import seed_demo
    from plugin.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": os.environ["OGSTORE_DATABASE_URL"],
            "OGSTORE_FETCH_ALLOW": "127.0.0.1",
            "OGSTORE_DEMO": True,
            "OGSTORE_PAYMENT_PROVIDER": "demo",
            "CACHE_TYPE": "SimpleCache",
            "RATELIMIT_ENABLED": False,  # three weeks of visitors, all from 127.0.0.1
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with app.app_context():
            links = seed_demo(base)
        print("demo seeded at", base)
        Activity(app, base, links).play()
        with app.app_context():
            links = seed_demo(base)  # fresh one-time login links
            db.session.remove()
        shoot(links, out)
    finally:
        server.shutdown()
        thread.join()
        with app.app_context():
            db.engine.dispose()


class Activity:
    """Three weeks of visits, crawls, checkouts and payments, over HTTP."""

    def __init__(self, app, base: str, links: dict[str, str]):
        self.app, self.base, self.links = app, base, links
        self.random = random.Random(7)
        self.http = requests.Session()
        self.visitor = 0
        self.cards: dict[str, list[str]] = {"lena": []}  # sharer -> card codes
        self.paid: list[str] = []  # order ids

    def play(self) -> None:
        from plugin.checkout.ledger import approve_due_commissions, create_payouts

        self.make_sharers()
        for days_ago in range(DAYS - 1, -1, -1):
            with self.app.app_context():
                marks = _marks()
            self.day(days_ago)
            with self.app.app_context():
                _move_back(marks, days_ago)
                if days_ago == PAYOUT_AFTER:
                    payouts = create_payouts()
                    print(f"payout run: {len(payouts)} payouts")
        with self.app.app_context():
            print("approved:", approve_due_commissions())
        self.refund_one()

    def make_sharers(self) -> None:
        with self.app.app_context():
            from plugin.extensions import db
            from plugin.sharing.models import Card, Sharer

            lena = db.session.scalar(select(Sharer).filter_by(handle="lena"))
            self.cards["lena"] = list(
                db.session.scalars(select(Card.code).filter_by(sharer_id=lena.id))
            )
        for handle, slugs in SHARERS.items():
            made = self.http.post(f"{self.base}/api/v1/sharers", json={"handle": handle})
            made.raise_for_status()
            token = made.json()["token"]
            self.cards[handle] = []
            for slug in slugs:
                card = self.http.post(
                    f"{self.base}/api/v1/cards",
                    json={
                        "url": f"{self.base}/demo/shop/products/{slug}",
                        "note": f"{handle} recommends this.",
                    },
                    headers={"Authorization": f"Bearer {token}"},
                )
                card.raise_for_status()
                self.cards[handle].append(card.json()["code"])

    def browser(self) -> str:
        """A new visitor's user agent (each version number is another visitor)."""
        self.visitor += 1
        return self.random.choice(BROWSERS).format(v=100 + self.visitor % 900)

    def day(self, days_ago: int) -> None:
        busy = 1.0 + 0.8 * (DAYS - days_ago) / DAYS  # sharing picks up over the weeks
        for handle, codes in self.cards.items():
            for code in codes:
                for _ in range(self.random.randint(0, 2)):  # link previews
                    self.http.get(
                        f"{self.base}/c/{code}",
                        headers={"User-Agent": self.random.choice(CRAWLERS)},
                    )
                if self.random.random() < 0.3:
                    self.http.head(f"{self.base}/c/{code}")
                for _ in range(int(self.random.randint(0, 4) * busy)):
                    self.visit_and_maybe_buy(handle, code)
        if days_ago == 2:
            self.self_referral()

    def visit_and_maybe_buy(self, handle: str, code: str) -> None:
        agent = self.browser()
        headers = {"User-Agent": agent}
        how = self.random.random()
        if how < 0.2:  # the widget on a blog: the card's JSON counts an embed visit
            card = self.http.get(f"{self.base}/api/v1/cards/{code}", headers=headers).json()
            click = card.get("click")
            variants = [
                offer["sku"]
                for offer in card["product"]["offers"]
                if offer.get("attributes") and offer.get("availability") == "InStock"
            ]
            variant = variants[0] if variants else None
        else:
            query = "?src=qr" if how < 0.35 else ""
            referrer = self.random.choice(REFERRERS)
            if referrer:
                headers["Referer"] = referrer
            page = self.http.get(f"{self.base}/c/{code}{query}", headers=headers).text
            found = re.search(r'name="click" value="(\d+)"', page)
            click = int(found.group(1)) if found else None
            option = re.search(r'<option value="([^"]+)">', page)  # a variant one can buy
            variant = option.group(1) if option else None
        if self.random.random() < 0.1:  # the same visitor again within the hour: not unique
            self.http.get(f"{self.base}/c/{code}", headers={"User-Agent": agent})
        if self.random.random() >= APPETITE[handle]:
            return
        started = self.http.post(
            f"{self.base}/api/v1/checkout",
            json={
                "card": code,
                "quantity": self.random.choice([1, 1, 1, 2]),
                "click": click,
                "variant": variant,
            },
            headers={"User-Agent": agent},
        )
        if started.status_code != 201:
            return  # e.g. out of stock
        if self.random.random() < 0.25:
            return  # an abandoned checkout
        self.http.post(started.json()["checkout_url"] + "/pay", allow_redirects=False)
        self.paid.append(started.json()["order_id"])

    def webhook(self, event_type: str, data: dict) -> None:
        from plugin.checkout.providers import get_provider

        with self.app.app_context():
            payload, headers = get_provider("demo").signed_event(event_type, data)
        self.http.post(f"{self.base}/webhooks/demo", data=payload, headers=headers)

    def self_referral(self) -> None:
        """Lena buys through her own card, paying with her own e-mail address: flagged."""
        code = self.cards["lena"][0]
        started = self.http.post(
            f"{self.base}/api/v1/checkout", json={"card": code, "quantity": 1}
        ).json()
        order_id = started["order_id"]
        with self.app.app_context():
            from plugin.checkout.services import get_order
            from plugin.sharing.services import get_sharer

            order = get_order(order_id)
            session_id, total, currency = (
                order.provider_session_id,
                order.total_minor,
                order.currency,
            )
            email = get_sharer(order.sharer_id).email
        self.webhook(
            "checkout.session.completed",
            {
                "id": session_id,
                "object": "checkout.session",
                "amount_total": total,
                "currency": currency.lower(),
                "payment_status": "paid",
                "payment_intent": "pi_demo_" + order_id,
                "customer_details": {"email": email},
                "metadata": {"order_id": order_id},
            },
        )

    def refund_one(self) -> None:
        """A partial refund of a recent sale: the commission shrinks pro rata."""
        order_id = self.paid[-3]
        with self.app.app_context():
            from plugin.checkout.services import get_order

            total = get_order(order_id).total_minor
        self.webhook(
            "charge.refunded",
            {
                "object": "charge",
                "payment_intent": "pi_demo_" + order_id,
                "amount_refunded": total // 2,
                "metadata": {"order_id": order_id},
            },
        )


# Rows the simulated day makes, and the timestamps that move back with them.
def _tables():
    from plugin.checkout.models import Commission, CommissionEntry, Order, Payout
    from plugin.sharing.models import Click

    return {
        Click: ["created_at"],
        Order: ["created_at", "paid_at"],
        Commission: ["created_at", "hold_until"],
        CommissionEntry: ["created_at"],
        Payout: ["created_at"],
    }


def _marks() -> dict:
    """When the day starts: the newest row of each table (orders: by time, ids are random)."""
    from plugin.checkout.models import Order
    from plugin.extensions import db

    marks = {}
    for model in _tables():
        column = model.created_at if model is Order else model.id
        marks[model] = db.session.scalar(select(func.max(column)))
    return marks


def _move_back(marks: dict, days: int) -> None:
    """Move the rows made since ``marks`` back by ``days`` days (timestamps only)."""
    from plugin.checkout.models import Order
    from plugin.extensions import db

    if not days:
        return
    for model, columns in _tables().items():
        column = model.created_at if model is Order else model.id
        newer = column > marks[model] if marks[model] is not None else column.is_not(None)
        rows = db.session.execute(select(model).where(newer)).scalars().all()
        for row in rows:
            values = {
                name: getattr(row, name) - timedelta(days=days)
                for name in columns
                if getattr(row, name) is not None
            }
            db.session.execute(update(model).where(model.id == row.id).values(**values))
    db.session.commit()


def shoot(links: dict[str, str], out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, link in (
            ("dashboard-sharer.png", links["sharer dashboard"]),
            ("dashboard-merchant.png", links["merchant dashboard"]),
        ):
            context = browser.new_context(
                locale="en-US",
                color_scheme="light",
                viewport={"width": 1100, "height": 900},
                device_scale_factor=1,
            )
            page = context.new_page()
            page.goto(link)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / name), full_page=True)
            print("wrote", out / name)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
