"""The pasted snippet in a real Chromium: a blog on another origin shows the card, Buy pays.

The blog is a tiny HTTP server on another port of 127.0.0.1 (another origin), serving
exactly the ``embed_html`` the API hands a sharer. The widget then reads the card and
starts the checkout across origins, so CORS (and the preflight of the JSON POST) is
exercised for real. Hostile product text must stay text everywhere it is shown.
"""

import json
import re
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect
from sqlalchemy import select

from plugin.catalog.models import ProductSnapshot
from plugin.checkout.models import Order
from plugin.dashboards.services import sharer_stats
from plugin.extensions import db
from plugin.sharing.models import Card, Sharer

pytestmark = pytest.mark.browser

CODE = "trail-lena"
NAME = "Alpine Trail Runner Backpack 18L"
EVENTS = ["ogstore:view", "ogstore:checkout", "ogstore:paid", "ogstore:error"]

HOSTILE_NAME = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
HOSTILE_NOTE = "</script><script>alert(3)</script>"
HOSTILE_DESCRIPTION = "<svg onload=alert(4)></svg>' onmouseover='alert(5)"

BLOG = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Dawn runs · a blog</title>
<script>
  window.__events = [];
  for (const type of %(events)s) {
    document.addEventListener(type, (e) => window.__events.push({type, detail: e.detail}));
  }
</script>
</head>
<body>
<h1>Dawn runs</h1>
<p>What I carried this summer (<a href="#kit">skip to the kit</a>).</p>
<h2 id="kit">The kit</h2>
%(embed)s
<p>Thanks for reading.</p>
</body>
</html>
"""

# The element focused now, looking through open shadow roots.
DEEP_FOCUS = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? [el.tagName.toLowerCase(), el.getAttribute("part") || el.textContent.trim()] : null;
}"""


def _blog_page(live_server: str, blog_server) -> str:
    """The blogger's post: the card's embed snippet, exactly as the API gives it."""
    card = requests.get(f"{live_server}/api/v1/cards/{CODE}", timeout=5)
    assert card.status_code == 200, card.text
    embed = card.json()["embed_html"]
    assert f'code="{CODE}"' in embed and f"{live_server}/static/js/embed.js" in embed
    url = blog_server(BLOG % {"events": json.dumps(EVENTS), "embed": embed})
    assert urlsplit(url).netloc != urlsplit(live_server).netloc  # another origin
    return url


def _watch(page) -> dict[str, list]:
    """Dialogs, console errors and uncaught exceptions of ``page``, as they happen."""
    seen = {"dialogs": [], "console_errors": [], "page_errors": []}

    def on_dialog(dialog):
        seen["dialogs"].append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def on_console(msg):
        # browsers ask every origin for /favicon.ico; neither server has one
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            seen["console_errors"].append(f"{msg.text} ({msg.location.get('url')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen["page_errors"].append(str(error)))
    return seen


def _events(page, type_: str) -> list:
    return [e["detail"] for e in page.evaluate("window.__events") if e["type"] == type_]


def _tab_to_buy(page, presses: int = 10) -> list:
    """Press Tab from the top of the page until the widget's Buy button has focus."""
    visited = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(DEEP_FOCUS)
        visited.append(focused)
        if focused == ["button", "buy"]:
            return visited
    pytest.fail(f"Tab never reached the Buy button; focus went {visited}")


def test_the_pasted_snippet_renders_on_another_origin_and_buy_pays(
    app, demo, live_server, blog_server, context
):
    blog_url = _blog_page(live_server, blog_server)
    page = context.new_page()
    seen = _watch(page)
    page.goto(blog_url)

    widget = page.locator(f'ogstore-card[code="{CODE}"]')
    expect(widget.locator("[part=card]")).to_be_visible()  # rendered into the shadow root
    assert widget.evaluate("el => el.shadowRoot !== null && el.shadowRoot.mode") == "open"
    expect(widget.locator("[part=name]")).to_have_text(NAME)
    expect(widget.locator("[part=price]")).to_have_text(re.compile(r"89"))
    expect(widget.locator("[part=price]")).to_have_text("€89.00")  # en-US, EUR
    expect(widget.locator("[part=was]")).to_have_text("€109.00")  # on sale: crossed out
    expect(widget.locator("[part=was]")).to_have_css("text-decoration-line", "line-through")
    now, was = (widget.locator(f"[part={part}]").bounding_box() for part in ("price", "was"))
    assert was["x"] > now["x"] + now["width"]  # beside the price, on its line
    assert now["y"] <= was["y"] + was["height"] / 2 <= now["y"] + now["height"]
    expect(widget.locator("[part=image]")).to_have_attribute("alt", NAME)
    expect(widget.get_by_text("— @lena", exact=True)).to_be_visible()
    expect(page.locator(f'ogstore-card[code="{CODE}"] > a')).to_be_hidden()  # fallback replaced
    page.wait_for_function("window.__events.some(e => e.type === 'ogstore:view')")
    assert _events(page, "ogstore:view") == [{"code": CODE}]

    # Keyboard only: Tab from the top of the page to Buy (focus loads the checkout), then Enter.
    page.locator("body").focus()
    with page.expect_response(f"{live_server}/static/js/checkout.js"):
        _tab_to_buy(page)
    with page.expect_response(
        lambda r: r.url == f"{live_server}/api/v1/checkout" and r.request.method == "POST"
    ) as started:
        page.keyboard.press("Enter")
    assert started.value.status == 201, started.value.text()
    assert started.value.headers.get("access-control-allow-origin") == "*"
    order_id = started.value.json()["order_id"]
    page.wait_for_function("window.__events.some(e => e.type === 'ogstore:checkout')")
    assert _events(page, "ogstore:checkout") == [{"code": CODE, "order_id": order_id}]

    # The overlay: a modal dialog holding focus, Escape closes it and focus returns to Buy.
    dialog = widget.get_by_role("dialog", name="Checkout")
    expect(dialog).to_be_visible()
    pay_in_widget = dialog.get_by_role("button", name="Pay €89.00")
    expect(pay_in_widget).to_be_focused()
    for _ in range(3):  # Tab cycles inside the dialog
        page.keyboard.press("Tab")
        assert page.evaluate(DEEP_FOCUS)[0] == "button"
        expect(dialog).to_contain_text(NAME)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert page.evaluate(DEEP_FOCUS) == ["button", "buy"]

    # Again, and pay: the provider's page opens in a new tab.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    with context.expect_page() as opened:
        page.keyboard.press("Enter")  # focus starts on Pay
    checkout = opened.value
    checkout.wait_for_url(f"{live_server}/checkout/demo/**")
    assert checkout.evaluate("window.opener") is None
    pay = checkout.get_by_role("button", name="Pay €89.00")
    expect(pay).to_be_visible()
    pay.focus()
    expect(pay).to_be_focused()
    checkout.keyboard.press("Enter")
    checkout.wait_for_url(f"{live_server}/c/{CODE}?order=*")
    paid_order = checkout.url.split("order=")[-1]
    expect(checkout.get_by_role("status")).to_contain_text("is confirmed")

    # The host page hears about it.
    page.wait_for_function("window.__events.some(e => e.type === 'ogstore:paid')")
    [paid] = _events(page, "ogstore:paid")
    assert paid["code"] == CODE
    expect(dialog.get_by_role("status")).to_have_text("Paid. Thank you!")
    order_id = paid["order_id"]
    assert paid_order == order_id

    assert _events(page, "ogstore:error") == []
    assert seen == {"dialogs": [], "console_errors": [], "page_errors": []}

    with app.app_context():
        orders = db.session.scalars(select(Order)).all()
        # Two checkouts were started (one closed with Escape); the paid one counts once.
        assert sorted((o.status, o.total_minor, o.currency) for o in orders) == [
            ("paid", 8900, "EUR"),
            ("pending", 8900, "EUR"),
        ]
        assert [o.id for o in orders if o.status == "paid"] == [order_id]
        lena = db.session.scalar(select(Sharer).filter_by(handle="lena"))
        stats = sharer_stats(lena)
        assert (stats["sales"], stats["revenue"], stats["commission"]) == (
            1,
            {"EUR": "89.00"},
            {"EUR": "8.90"},
        )


def test_hostile_product_text_is_shown_as_text_and_runs_nothing(
    app, demo, live_server, blog_server, context
):
    with app.app_context():
        card = db.session.scalar(select(Card).filter_by(code=CODE))
        snapshot = db.session.get(ProductSnapshot, card.product_id)
        snapshot.name = HOSTILE_NAME
        # a JSON column: assign a new dict so the change is seen
        snapshot.data = {
            **snapshot.data,
            "name": HOSTILE_NAME,
            "description": HOSTILE_DESCRIPTION,
        }
        card.note = HOSTILE_NOTE
        db.session.commit()

    blog_url = _blog_page(live_server, blog_server)
    page = context.new_page()
    seen = _watch(page)

    # The widget on the blog (the snippet's fallback link carries the name too).
    page.goto(blog_url)
    widget = page.locator(f'ogstore-card[code="{CODE}"]')
    expect(widget.locator("[part=name]")).to_have_text(HOSTILE_NAME)
    expect(widget.locator("q")).to_have_text(HOSTILE_NOTE)
    expect(widget.locator("[part=image]")).to_have_attribute("alt", HOSTILE_NAME)
    expect(widget.locator("[part=price]")).to_have_text("€89.00")
    page.wait_for_function("window.__events.some(e => e.type === 'ogstore:view')")
    assert page.locator("img[src=x], svg").count() == 0
    assert page.evaluate("document.scripts.length") == 2  # the blog's listener and embed.js
    assert widget.evaluate("el => el.shadowRoot.querySelectorAll('script, img[src=x]').length") == 0
    light_link = page.locator(f'ogstore-card[code="{CODE}"] > a')
    assert light_link.evaluate("a => a.textContent") == f"{HOSTILE_NAME} — shared by @lena"

    # The card page itself.
    page.goto(f"{live_server}/c/{CODE}")
    expect(page.locator("h1")).to_have_text(HOSTILE_NAME)
    expect(page.locator("blockquote p")).to_have_text(HOSTILE_NOTE)
    expect(page.locator("main > p.muted").last).to_have_text(HOSTILE_DESCRIPTION)
    assert page.title() == f"{HOSTILE_NAME} · shared by @lena"
    assert page.locator('meta[property="og:title"]').get_attribute("content") == HOSTILE_NAME
    assert page.locator("img[src=x], svg").count() == 0
    json_ld = json.loads(page.locator('script[type="application/ld+json"]').text_content())
    assert json_ld["name"] == HOSTILE_NAME
    assert page.locator("script").count() == 1  # only the JSON-LD block

    page.wait_for_timeout(200)  # an onerror/onload would fire by now
    assert seen == {"dialogs": [], "console_errors": [], "page_errors": []}


def test_the_widget_works_under_a_strict_nonce_csp(app, demo, live_server, blog_server, context):
    """The CSP docs/embedding.md tells bloggers to set is enough: no violation, styles applied."""
    nonce = "r4nd0mN0nce"
    embed = requests.get(f"{live_server}/api/v1/cards/{CODE}", timeout=5).json()["embed_html"]
    embed = embed.replace("<ogstore-card ", f'<ogstore-card nonce="{nonce}" ')
    embed = embed.replace("<script async ", f'<script nonce="{nonce}" async ')
    csp = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        f"connect-src {live_server}; img-src {live_server}"
    )
    page_html = (
        f"<!doctype html><html><head><title>Strict</title></head><body>{embed}</body></html>"
    )
    url = blog_server(page_html, path="/strict", headers={"Content-Security-Policy": csp})
    page = context.new_page()
    seen = _watch(page)
    page.goto(url)
    widget = page.locator(f'ogstore-card[code="{CODE}"]')
    expect(widget.locator("[part=name]")).to_have_text(NAME)
    assert widget.locator("[part=card]").evaluate("el => getComputedStyle(el).display") == "flex"
    with page.expect_response(f"{live_server}/static/js/checkout.js"):
        widget.get_by_role("button", name="Buy").hover()
    widget.get_by_role("button", name="Buy").click()
    overlay = widget.locator(".o")
    expect(overlay).to_be_visible()
    assert overlay.evaluate("el => getComputedStyle(el).position") == "fixed"
    assert seen == {"dialogs": [], "console_errors": [], "page_errors": []}
