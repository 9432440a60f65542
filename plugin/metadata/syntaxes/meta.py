"""Plain HTML fallbacks: ``<title>``, description, canonical link, X card tags,
and ``itemprop`` attributes that sit outside any microdata item.

These say little about a product on their own (``is_product`` stays False), but
fill gaps the structured syntaxes leave.
"""

import re

from lxml import etree

from plugin.metadata import normalize
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_LOOSE_NAMES = frozenset(
    {"price", "pricecurrency", "availability", "sku", "brand", "mpn", "image", "gtin", "gtin13"}
    | {"gtin12", "gtin14", "gtin8"}
)
_PRICE_LABEL = re.compile(r"price|preis|prix|precio|prezzo|prijs|cena|pris|preço", re.IGNORECASE)
_STOCK_LABEL = re.compile(r"availab|stock|lager|dispon", re.IGNORECASE)


def read(page: Page) -> Reading | None:
    named = _named_meta(page)
    loose = _loose_itemprops(page)
    links = _links(page)
    base_url = page.base_url

    def first(mapping: dict[str, str], *keys: str) -> str | None:
        return next((mapping[key] for key in keys if mapping.get(key)), None)

    amount, symbol = normalize.price(first(loose, "price") or _card_value(named, _PRICE_LABEL))
    title = next((title.text for title in page.titles if title.text), None)
    return Reading(
        syntax="meta",
        url=normalize.absolute_url(links.get("canonical"), base_url),
        name=normalize.text(title) or normalize.text(first(named, "twitter:title")),
        description=normalize.text(first(named, "description", "twitter:description")),
        images=normalize.image_urls(
            [
                first(loose, "image"),
                first(named, "twitter:image", "twitter:image:src"),
                links.get("image_src"),
            ],
            base_url,
        ),
        price=amount,
        currency=normalize.currency(first(loose, "pricecurrency")) or symbol,
        availability=normalize.availability(
            first(loose, "availability") or _card_value(named, _STOCK_LABEL)
        ),
        brand=normalize.brand(first(loose, "brand")),
        sku=normalize.text(first(loose, "sku")),
        gtin=normalize.text(first(loose, "gtin", "gtin13", "gtin12", "gtin14", "gtin8")),
        mpn=normalize.text(first(loose, "mpn")),
    )


def _named_meta(page: Page) -> dict[str, str]:
    """``<meta name=… content=…>`` by lower-case name, first occurrence kept."""
    named: dict[str, str] = {}
    for meta in page.metas:
        name, content = meta.get("name"), meta.get("content")
        if name and content is not None:
            named.setdefault(name.strip().lower(), content)
    return named


def _links(page: Page) -> dict[str, str]:
    """``<link rel=… href=…>`` by lower-case rel value, first occurrence kept."""
    links: dict[str, str] = {}
    for link in page.links:
        href = link.get("href")
        for rel in (link.get("rel") or "").lower().split():
            if href:
                links.setdefault(rel, href)
    return links


def _loose_itemprops(page: Page) -> dict[str, str]:
    """Product ``itemprop`` values outside any ``itemscope``, by lower-case name."""
    found: dict[str, str] = {}
    for element in page.item_props:
        names = [name for name in element.get("itemprop").lower().split() if name in _LOOSE_NAMES]
        if not names or _in_item(element):
            continue
        value = element.get("content") or element.get("href") or element.get("src")
        if value is None:
            value = " ".join(" ".join(element.itertext()).split())
        for name in names:
            found.setdefault(name, value)
    return found


def _in_item(element: etree._Element) -> bool:
    return any(node.get("itemscope") is not None for node in element.iterancestors())


def _card_value(named: dict[str, str], label: re.Pattern) -> str | None:
    """The ``twitter:dataN`` whose ``twitter:labelN`` matches ``label`` (e.g. "Price")."""
    for number in range(1, 5):
        if label.search(named.get(f"twitter:label{number}", "")):
            return named.get(f"twitter:data{number}")
    return None
