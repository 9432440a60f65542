"""On a phone, no page of ogstore scrolls sideways: wide tables scroll on their own."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/signup", "/login", "/sell", "/validate", "/share", "/c/trail-lena"]


def sideways(page) -> int:
    """How far the page scrolls sideways, in CSS pixels (0 when it fits)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_public_pages_fit_a_phone(demo, live_server, chromium):
    page = chromium.new_page(viewport=PHONE)
    for path in PAGES:
        page.goto(live_server + path)
        assert sideways(page) == 0, path
    # A tag report: a table of findings and a block of tags to paste.
    product = f"{live_server}/demo/shop/products/trail-runner-backpack"
    page.goto(f"{live_server}/validate?url={product}")
    page.get_by_text("Tags to paste").wait_for()
    assert sideways(page) == 0


@pytest.mark.parametrize("dashboard", ["sharer dashboard", "merchant dashboard"])
def test_dashboards_with_a_sale_fit_a_phone(demo, live_server, chromium, dashboard):
    buyer = chromium.new_page(viewport=PHONE)
    buyer.goto(live_server + "/c/trail-lena")
    buyer.get_by_role("button", name="Buy").click()
    buyer.get_by_role("button", name="Pay €89.00").wait_for()
    assert sideways(buyer) == 0  # the checkout page too
    buyer.get_by_role("button", name="Pay €89.00").click()
    buyer.get_by_text("Paid. Thank you!").wait_for()

    page = chromium.new_page(viewport=PHONE)
    page.goto(demo[dashboard])
    page.get_by_text("@lena").first.wait_for()
    assert page.get_by_text("paid").count() > 0  # the order's row is there
    assert sideways(page) == 0
