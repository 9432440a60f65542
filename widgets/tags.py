"""Metadata for feeds and search engines: Open Graph product tags and JSON-LD."""

from widgets.view import CardView, plain_text

# schema.org availability -> the words Open Graph's product:availability uses.
_OG_AVAILABILITY = {
    "InStock": "in stock",
    "LimitedAvailability": "in stock",
    "OnlineOnly": "in stock",
    "OutOfStock": "out of stock",
    "SoldOut": "out of stock",
    "PreOrder": "preorder",
    "PreSale": "preorder",
    "BackOrder": "available for order",
    "Discontinued": "discontinued",
}

AVAILABILITY_WORDS = {
    "InStock": "In stock",
    "LimitedAvailability": "Few left",
    "OnlineOnly": "In stock",
    "OutOfStock": "Out of stock",
    "SoldOut": "Sold out",
    "PreOrder": "Pre-order",
    "PreSale": "Pre-order",
    "BackOrder": "On back-order",
    "Discontinued": "Discontinued",
}


def og_availability(availability: str | None) -> str | None:
    return _OG_AVAILABILITY.get(availability or "")


def product_json_ld(card: CardView) -> dict:
    """A schema.org ``Product`` with its ``Offer``; render with ``|tojson`` (HTML-safe)."""
    product = card.product
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": card.title,
        "url": card.share_url,
        "image": card.images,
        "description": card.description,
    }
    for field in ("sku", "gtin", "mpn"):
        if product.get(field):
            data[field] = product[field]
    if product.get("brand"):
        data["brand"] = {"@type": "Brand", "name": plain_text(product["brand"])}
    if product.get("price") and product.get("currency"):
        data["offers"] = {
            "@type": "Offer",
            "price": product["price"],
            "priceCurrency": product["currency"],
            "url": card.share_url,
        }
        if product.get("availability"):
            data["offers"]["availability"] = "https://schema.org/" + product["availability"]
    return data
