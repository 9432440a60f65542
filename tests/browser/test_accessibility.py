"""axe-core (the engine behind Lighthouse's accessibility audit) on every page people use:
no serious or critical violation, in light and dark colour schemes."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).parents[1] / "unfurlers" / "node_modules" / "axe-core" / "axe.min.js"
# The live-stream overlay reloads itself on purpose: streaming software shows it, not people.
ACCEPTED = {("/c/trail-lena/overlay", "meta-refresh")}
SERIOUS = ("serious", "critical")
PUBLIC = [
    "/",
    "/signup",
    "/login",
    "/sell",
    "/validate",
    "/c/trail-lena",
    "/c/trail-lena/embed",
    "/c/trail-lena/sheet",
    "/c/trail-lena/overlay",
    "/demo/shop/",
    "/demo/blog",  # with the widget, in its shadow root
]


@pytest.fixture
def audited(context, require_service):
    """The browser context with axe-core loaded into every page before its own scripts."""
    if not AXE.exists():
        require_service("axe-core", f"{AXE} is missing (make unfurlers installs it)")
    context.add_init_script(path=str(AXE))
    return context


def open_page(context, scheme: str):
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    return page


def violations(page, path: str) -> list[str]:
    found = page.evaluate(
        "async () => (await axe.run({resultTypes: ['violations']})).violations"
        ".map(v => [v.impact, v.id, v.nodes.map(n => n.target.join(' ')).slice(0, 3)])"
    )
    return [
        f"{path}: {rule} ({impact}) at {targets}"
        for impact, rule, targets in found
        if impact in SERIOUS and (path, rule) not in ACCEPTED
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_public_pages(demo, live_server, audited, scheme):
    page = open_page(audited, scheme)
    product = f"{live_server}/demo/shop/products/trail-runner-backpack"
    problems = []
    for path in [*PUBLIC, f"/validate?url={product}"]:
        page.goto(live_server + path)
        if path == "/demo/blog":
            page.locator("ogstore-card [part=buy]").wait_for()
        problems += violations(page, path.split("?")[0])
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") is (scheme == "dark")
    assert problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_signed_in_pages_and_checkout(demo, live_server, audited, scheme):
    buyer = open_page(audited, scheme)
    buyer.goto(live_server + "/c/trail-lena")
    buyer.get_by_role("button", name="Buy").click()
    buyer.get_by_role("button", name="Pay €89.00").wait_for()
    problems = violations(buyer, "/checkout/demo")
    buyer.get_by_role("button", name="Pay €89.00").click()
    buyer.get_by_text("Paid. Thank you!").wait_for()
    problems += violations(buyer, "/c/trail-lena?order=")

    sharer = open_page(audited, scheme)
    sharer.goto(demo["sharer dashboard"])
    problems += violations(sharer, "/dashboard")
    sharer.goto(live_server + "/share")
    problems += violations(sharer, "/share")
    sharer.get_by_role("link", name="Alpine Trail Runner Backpack 18L").click()
    problems += violations(sharer, "/share/<code>")

    merchant = open_page(audited, scheme)  # the login link replaces the sharer's session
    merchant.goto(demo["merchant dashboard"])
    merchant.get_by_text("Change the rules").click()
    problems += violations(merchant, "/dashboard/merchant")
    assert problems == []
