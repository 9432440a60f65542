"""The product's id in the page's own address: the last resort for ``sku``.

Shops and marketplaces name a product page after the id they keep the product
under: ``/deal/4548094738``, ``…-anpix-redukcia-114768289``, ``…_62320522213.htm``,
``/store/122725?pid=260591``. When neither the tags nor the page's text give a
product code, that id is the one the shop knows the product by. Read, in order:

* a query parameter named for a product (``pid``, ``productId``, ``item_id``, …);
* the last path segment (its extension dropped) when it is a number;
* a number of at least five digits ending the last segment's slug (``…-114768289``,
  ``…_36029524``): shorter ones are sizes and counts ("…-pack-6", "…-500").
"""

import re
from urllib.parse import parse_qsl, unquote, urlsplit

from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_PRODUCT_PARAMETERS = frozenset(
    {"pid", "productid", "product_id", "product", "itemid", "item_id", "item", "sku", "id"}
)
_PARAMETER_VALUE = re.compile(r"(?=[A-Za-z0-9_-]*\d)[A-Za-z0-9_-]{4,40}")
_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|jsp)$", re.IGNORECASE)
_NUMBER = re.compile(r"\d{4,20}")
_SLUG_NUMBER = re.compile(r"[-_](\d{5,20})$")


def read(page: Page) -> Reading | None:
    sku = product_id(page.url)
    return Reading(syntax="url", sku=sku) if sku else None


def product_id(url: str) -> str | None:
    """The product id ``url`` carries, or None (see the module docstring)."""
    try:
        parts = urlsplit(url)
        query = parse_qsl(parts.query)
    except ValueError:
        return None
    for name, value in query:
        if name.lower() in _PRODUCT_PARAMETERS and _PARAMETER_VALUE.fullmatch(value):
            return value
    segments = [segment for segment in unquote(parts.path).split("/") if segment]
    if not segments:
        return None
    last = _EXTENSION.sub("", segments[-1])
    if _NUMBER.fullmatch(last):
        return last
    number = _SLUG_NUMBER.search(last)
    return number.group(1) if number else None
