"""Product data shops embed in their own scripts, for pages whose tags give no price.

Storefronts render the product from a JSON object in the page: Shopify's product
JSON (``<script type="application/json" data-product-json>``), framework state
(``__NEXT_DATA__``, ``window.__STATE__ = {…}``), analytics data layers
(``dataLayer.push({"ecommerce": {"detail": {"products": [{…}]}}})``, GA4 ``items``).
This reader finds, among the objects in those scripts, the one that describes the
page's own product: it has a name and a price, and that name is the product's ``<h1>``
or part of its ``<title>`` (a recommendation or a cart line names another product).

* Only JSON is read: ``application/json`` blocks, and in other scripts the objects
  that follow ``=``, ``(`` or ``,`` and parse as JSON. Scripts that never say
  "price" are skipped unread.
* Shopify's product JSON (an object with ``handle`` and ``variants``) counts in
  cents; its price is the first available variant's.
* Currency, when the object has none, is the nearest enclosing object's
  (``ecommerce.currencyCode``).

The extractor asks for it only when no tagged syntax gives a price and the page
shows none, or nothing gives a product code (reading every script costs; what the
page shows was measured on real pages, these conventions were not), and ranks it
last but for the page's address.
"""

import re
from collections.abc import Iterator

from plugin.metadata import normalize
from plugin.metadata.syntaxes import jsonld, visible
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

# In order of preference: the first key present wins.
_NAME_KEYS = ("name", "title", "productName", "product_name", "item_name")
_PRICE_KEYS = (
    "price", "salePrice", "sale_price", "finalPrice", "final_price", "currentPrice",
    "current_price", "priceValue", "price_amount",
)  # fmt: skip
_CURRENCY_KEYS = ("currency", "currencyCode", "priceCurrency", "price_currency")
_SKU_KEYS = ("sku", "item_id", "productId", "product_id", "id")
_STOCK_FLAGS = ("available", "in_stock", "inStock", "isInStock", "is_in_stock")
# Where an object starts in a script: after an assignment, a call's "(" or a ",".
_OBJECT_START = re.compile(r"[=(,]\s*(?=\{\")")
_MAX_SCRIPT = 2 * 1024 * 1024
_MAX_OBJECTS_PER_SCRIPT = 50  # read, and as many that fail to parse
_MAX_DEPTH = 12
_WORD = re.compile(r"\w{4,}")


def read(page: Page) -> Reading | None:
    names = _page_names(page)
    if not names:
        return None
    for node, currency in _objects(page, _key_word(names)):
        found = _product(node, currency, names)
        if found:
            return found
    return None


def _key_word(names: tuple[str, str]) -> str:
    """The longest word of the page's heading (or title), which a script describing the
    product must contain: most scripts are skipped without being parsed."""
    words = _WORD.findall(names[0] or names[1])
    return max(words, key=len) if words else ""


def _page_names(page: Page) -> tuple[str, str] | None:
    """The product's heading and the page's ``<title>``, lower-cased ("" for none)."""
    element = visible.product_heading(page)
    heading = " ".join("".join(element.itertext()).split()) if element is not None else ""
    title = " ".join(" ".join(t.text or "" for t in page.titles).split())
    return (heading.lower(), title.lower()) if heading or title else None


def _objects(page: Page, word: str) -> Iterator[tuple[dict, str | None]]:
    """Every JSON object in the page's scripts that say "price" and ``word`` (in any
    case), depth first, with the currency the objects around it name."""
    for script in page.scripts:
        kind = (script.get("type") or "").lower()
        text = script.text or ""
        if "ld+json" in kind or len(text) > _MAX_SCRIPT or "rice" not in text:
            continue
        if word not in text.lower():
            continue
        values = jsonld.parse_block(text) if "json" in kind else _assigned_objects(text)
        for value in values:
            yield from _walk(value, None, 0)


def _assigned_objects(text: str) -> list:
    """The JSON objects in a script, up to a number of them and of failed attempts: a
    hostile script full of objects that never parse would otherwise cost quadratic
    time (each failure costs time in proportion to where it happens)."""
    values, end, failures = [], 0, 0
    for match in _OBJECT_START.finditer(text):
        if match.end() < end:
            continue  # inside an object already read
        if failures >= _MAX_OBJECTS_PER_SCRIPT or len(values) >= _MAX_OBJECTS_PER_SCRIPT:
            break
        try:
            value, end = jsonld.DECODER.raw_decode(text, match.end())
        except (ValueError, RecursionError):
            failures += 1
            continue
        values.append(value)
    return values


def _walk(value: object, currency: str | None, depth: int) -> Iterator[tuple[dict, str | None]]:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        if not value.keys().isdisjoint(_CURRENCY_KEYS):
            currency = _first(value, _CURRENCY_KEYS, normalize.currency) or currency
        yield value, currency
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        if isinstance(child, dict | list):
            yield from _walk(child, currency, depth + 1)


def _product(node: dict, currency: str | None, names: tuple[str, str]) -> Reading | None:
    """``node`` as the page's product, or None when it is not a priced product of that name."""
    if node.keys().isdisjoint(_PRICE_KEYS) and "variants" not in node:
        return None
    name = _first(node, _NAME_KEYS, normalize.text)
    if not name or not _names_the_page(name.lower(), names):
        return None
    shopify = isinstance(node.get("variants"), list) and "handle" in node
    offer = node
    if shopify:
        variants = [v for v in node["variants"] if isinstance(v, dict)]
        offer = next((v for v in variants if v.get("available")), variants[0] if variants else {})
    written = _first(offer, _PRICE_KEYS, _priced)
    amount, symbol = normalize.price(written)
    if amount is None:
        return None
    if shopify and isinstance(written, int):
        amount /= 100
    return Reading(
        syntax="script",
        name=name,
        price=amount,
        currency=_first(offer, _CURRENCY_KEYS, normalize.currency) or currency or symbol,
        availability=_availability(offer),
        brand=_first(node, ("brand", "vendor", "item_brand"), normalize.brand),
        sku=_first(offer, _SKU_KEYS, normalize.text) if not shopify else offer.get("sku") or None,
    )


def _names_the_page(name: str, names: tuple[str, str]) -> bool:
    heading, title = names
    return name == heading or (len(name) >= 4 and name in title)


def _first(node: dict, keys: tuple[str, ...], convert) -> object:
    return next(
        (found for key in keys if (found := convert(node.get(key))) is not None),
        None,
    )


def _priced(value: object) -> object:
    """A price value as written, when it is one (a number or a numeric string)."""
    if isinstance(value, bool) or value in (None, ""):
        return None
    return value if normalize.price(value)[0] is not None else None


def _availability(node: dict) -> str | None:
    stated = normalize.availability(node.get("availability") or node.get("stock_status"))
    if stated:
        return stated
    flag = next((node[key] for key in _STOCK_FLAGS if isinstance(node.get(key), bool)), None)
    return None if flag is None else "InStock" if flag else "OutOfStock"
