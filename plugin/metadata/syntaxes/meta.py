"""Plain HTML fallbacks: ``<title>``, description, canonical link, X card tags,
and ``itemprop`` attributes that sit outside any microdata item.

These say little about a product on their own (``is_product`` stays False), but
fill gaps the structured syntaxes leave.
"""

import re

from lxml import etree

from plugin.metadata import normalize
from plugin.metadata.syntaxes.reading import Reading

_TITLE = etree.XPath("string(//title)")
_NAMED_META = etree.XPath("//meta[@name][@content]")
_CANONICAL = etree.XPath(
    "//link[@href][contains(translate(@rel, 'CANONIAL', 'canonial'), 'canonical')]/@href"
)
_IMAGE_LINK = etree.XPath(
    "//link[@href][translate(@rel, 'IMAGESRC_', 'imagesrc_')='image_src']/@href"
)
_LOOSE_ITEMPROPS = etree.XPath("//*[@itemprop][not(ancestor-or-self::*[@itemscope])]")
_PRICE_LABEL = re.compile(r"price|preis|prix|precio|prezzo|prijs|cena|pris|preço", re.IGNORECASE)
_STOCK_LABEL = re.compile(r"availab|stock|lager|dispon", re.IGNORECASE)


def read(document: etree._Element, base_url: str) -> Reading | None:
    named = _named_meta(document)
    loose = _loose_itemprops(document)

    def first(mapping: dict[str, str], *keys: str) -> str | None:
        return next((mapping[key] for key in keys if mapping.get(key)), None)

    amount, symbol = normalize.price(first(loose, "price") or _card_value(named, _PRICE_LABEL))
    return Reading(
        syntax="meta",
        url=normalize.absolute_url(next(iter(_CANONICAL(document)), None), base_url),
        name=normalize.text(_TITLE(document)) or normalize.text(first(named, "twitter:title")),
        description=normalize.text(first(named, "description", "twitter:description")),
        images=normalize.image_urls(
            [
                first(loose, "image"),
                first(named, "twitter:image", "twitter:image:src"),
                *_IMAGE_LINK(document),
            ],
            base_url,
        ),
        price=amount,
        currency=normalize.currency(first(loose, "pricecurrency")) or symbol,
        availability=normalize.availability(
            first(loose, "availability") or _card_value(named, _STOCK_LABEL)
        ),
        brand=normalize.text(first(loose, "brand")),
        sku=normalize.text(first(loose, "sku")),
        gtin=normalize.text(first(loose, "gtin", "gtin13", "gtin12", "gtin14", "gtin8")),
        mpn=normalize.text(first(loose, "mpn")),
    )


def _named_meta(document: etree._Element) -> dict[str, str]:
    """``<meta name=… content=…>`` by lower-case name, first occurrence kept."""
    named: dict[str, str] = {}
    for meta in _NAMED_META(document):
        named.setdefault(meta.get("name").strip().lower(), meta.get("content"))
    return named


def _loose_itemprops(document: etree._Element) -> dict[str, str]:
    """``itemprop`` values outside any ``itemscope``, by lower-case name."""
    found: dict[str, str] = {}
    for element in _LOOSE_ITEMPROPS(document):
        value = element.get("content") or element.get("href") or element.get("src")
        if value is None:
            value = " ".join(" ".join(element.itertext()).split())
        for name in element.get("itemprop").lower().split():
            found.setdefault(name, value)
    return found


def _card_value(named: dict[str, str], label: re.Pattern) -> str | None:
    """The ``twitter:dataN`` whose ``twitter:labelN`` matches ``label`` (e.g. "Price")."""
    for number in range(1, 5):
        if label.search(named.get(f"twitter:label{number}", "")):
            return named.get(f"twitter:data{number}")
    return None
