"""Open Graph and its product extension (``og:*``, ``product:*``), read straight off ``<meta>``.

Pages put these tags in ``<head>`` or ``<body>``, with ``property`` or (wrongly)
``name``; all are accepted. Where a tag repeats, the first wins, except
``og:image`` which lists every picture. A bare ``og:price``/``product:price`` (an
old spelling shops still write, often a human string such as "2,900원~") is read
when ``…:price:amount`` is absent. A lower ``product:sale_price`` is the price and
the regular one its list price; ``product:original_price`` is a list price too.
"""

from plugin.metadata import normalize
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_PREFIXES = ("og:", "product:")
_IMAGE_KEYS = frozenset({"og:image", "og:image:url", "og:image:secure_url"})


def read(page: Page) -> Reading | None:
    tags = collect(page)
    base_url = page.base_url
    if not tags:
        return None

    def first(*keys: str) -> str | None:
        return next((tags[key][0] for key in keys if key in tags), None)

    currency = first("product:price:currency", "og:price:currency")
    amount, symbol = normalize.price(
        first("product:price:amount", "og:price:amount", "product:price", "og:price"), currency
    )
    sale, _ = normalize.price(
        first("product:sale_price:amount", "og:sale_price:amount"),
        first("product:sale_price:currency", "og:sale_price:currency") or currency,
    )
    original, _ = normalize.price(
        first("product:original_price:amount", "og:original_price:amount"), currency
    )
    list_price = None
    if sale is not None and amount is not None and sale < amount:
        amount, list_price = sale, amount
    elif original is not None and amount is not None and original > amount:
        list_price = original
    og_type = (first("og:type") or "").lower()
    return Reading(
        syntax="opengraph",
        is_product="product" in og_type or any(key.startswith("product:") for key in tags),
        url=normalize.absolute_url(first("og:url"), base_url),
        name=normalize.text(first("og:title")),
        description=normalize.text(first("og:description")),
        images=normalize.image_urls(tags.get("og:image", []), base_url),
        price=amount,
        currency=normalize.currency(currency) or symbol,
        list_price=list_price,
        availability=normalize.availability(first("product:availability", "og:availability")),
        brand=normalize.brand(first("product:brand", "og:brand")),
        sku=normalize.text(first("product:retailer_item_id", "product:sku")),
        gtin=normalize.text(first("product:gtin", "product:ean", "product:upc", "product:isbn")),
        mpn=normalize.text(first("product:mfr_part_no", "product:mpn")),
    )


def collect(page: Page) -> dict[str, list[str]]:
    """Open Graph tags by lower-case property, values in page order.

    All ``og:image`` spellings are gathered under ``og:image``.
    """
    tags: dict[str, list[str]] = {}
    for meta in page.metas:
        key = (meta.get("property") or meta.get("name") or "").strip().lower()
        if key.startswith(_PREFIXES) and meta.get("content") is not None:
            tags.setdefault("og:image" if key in _IMAGE_KEYS else key, []).append(
                meta.get("content")
            )
    return tags
