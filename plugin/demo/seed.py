"""Seed the demo: a verified merchant, a sharer, and a card for every demo product.

The server is not running yet when ``make run`` seeds, so the demo pages are
rendered in-process and read by the same ``extract`` as any fetched page.
Once the app serves, snapshots are refreshed over HTTP through the safe
fetcher like any other shop's (``OGSTORE_FETCH_ALLOW`` admits 127.0.0.1).
"""

from flask import current_app
from sqlalchemy import select

from plugin import metadata
from plugin.accounts.services import login_path
from plugin.catalog import services as catalog
from plugin.demo import DEMO_CARD_CODE, DEMO_PRODUCT_SLUG, DEMO_SHARER_HANDLE
from plugin.demo.products import PRODUCTS, SHOP_NAME
from plugin.extensions import db
from plugin.sharing import services as sharing
from plugin.sharing.models import Card, Sharer

NOTES = {
    DEMO_PRODUCT_SLUG: "Carried it on every dawn run this summer: nothing bounces, "
    "and the bottle pockets are reachable mid-stride.",
}


def _page(base_url: str, path: str) -> metadata.FetchedPage:
    response = current_app.test_client().get(path, base_url=base_url)
    return metadata.FetchedPage(
        url=base_url + path,
        status=response.status_code,
        content_type=response.content_type,
        encoding=response.mimetype_params.get("charset"),
        content=response.get_data(),
        etag=None,
        last_modified=None,
        not_modified=False,
    )


def seed_demo(base_url: str) -> dict[str, str]:
    """Create or refresh the demo data for an app served at ``base_url``; returns URLs to open."""
    shop = _page(base_url, "/demo/shop/")
    merchant = catalog.merchant_for_domain(catalog.domain_of(shop.url))
    merchant.name = SHOP_NAME
    catalog.verify_merchant(
        merchant, shop.content, current_app.config["OGSTORE_DEMO_MERCHANT_CLAIM"]
    )
    api_key = catalog.issue_api_key(merchant)

    sharer = db.session.scalar(select(Sharer).filter_by(handle=DEMO_SHARER_HANDLE))
    if sharer is None:
        sharer, token = sharing.create_sharer(DEMO_SHARER_HANDLE, "lena@demo.ogstore.test")
    else:  # a token is shown once: seeding again issues a new one
        token = sharing.issue_token(sharer)
        db.session.commit()

    for item in PRODUCTS:
        page = _page(base_url, f"/demo/shop/products/{item.slug}")
        snapshot = catalog.store_snapshot(metadata.extract(page.content, page.url), page)
        code = DEMO_CARD_CODE if item.slug == DEMO_PRODUCT_SLUG else f"{item.slug}-lena"
        card = db.session.scalar(select(Card).filter_by(code=code))
        if card is None:
            db.session.add(
                Card(
                    code=code,
                    product_id=snapshot.id,
                    sharer_id=sharer.id,
                    note=NOTES.get(item.slug, ""),
                )
            )
    db.session.commit()
    return {
        "demo shop": f"{base_url}/demo/shop/",
        "demo blog": f"{base_url}/demo/blog",
        "a sharer's card": f"{base_url}/c/{DEMO_CARD_CODE}",
        "sharer dashboard": base_url + login_path("sharer", sharer.id),
        "merchant dashboard": base_url + login_path("merchant", merchant.id),
        "sharer API token": token,
        "merchant API key": api_key,
    }
