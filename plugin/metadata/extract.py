"""Parse a page once and read every syntax from the same tree into one ``Product``.

Precedence, per field, when syntaxes disagree::

    JSON-LD > microdata > RDFa > Open Graph > meta (title, description, X cards) > visible
    > the shop's scripts (when no price is tagged or shown, or no code is given anywhere)
    > the page's address (a product id, for ``sku`` only)

Each field (name, price, images, …) is taken from the best syntax that has a
value for it, and ``Product.sources`` records which one that was. Structured
schema.org data comes first because it is what shops maintain for search
engines and it ties price, currency and availability to one offer; Open Graph
often lags behind it (cached share images, prices without currency). ``visible``
is what the page shows people (``syntaxes/visible.py``): its price and stock are
read only when the tags leave a question the page answers, and count as a product
only next to a buy button or a stock statement:

* no tagged syntax gives a price: the shown price and stock fill in;
* tagged syntaxes give different prices (a starting bid in JSON-LD, the current bid
  in Open Graph): the tagged price the page shows as the product's price wins;
* the tags say out of stock (often only the first variant's offer, or stale) but
  the product's own buy button can be pressed: ``InStock``;
* the tags say in stock but the product's own buy button is disabled and the page's
  stock statement says it cannot be bought: what the page says. A disabled button
  alone is not enough: pages with variants disable it until one is chosen.

Fields with their own rules:

* ``url``: the first canonical URL (JSON-LD/microdata/RDFa ``url``, ``og:url``,
  ``<link rel=canonical>``) on the same host as the page; otherwise the page's
  own URL. A page on one host cannot speak for a product on another.
* ``sku`` names the product, not one of its variants: the code the page prints
  after a label ("SKU:", "Product code", "Art.-Nr.", …) first, since it is the one
  people and catalogs use; then schema.org's product-level ``sku``, ``productID``
  or ``productGroupID``; then the product code in the page's URL that the variant
  SKUs extend ("…-su221u09p-e11.html" for "SU221U09P-E110XXS000"); then the
  main offer's SKU; with none of these, the product id the page's address carries
  (``syntaxes/address.py``: "/deal/4548094738", "?pid=260591"), and without one,
  the SKU in the shop's own product JSON (``syntaxes/scripts.py``; read for a missing
  price, that SKU comes before the address's). Each ``Offer``
  keeps its own variant SKU (what checkout uses).
* ``offers``: from the best syntax that lists offers; when none does but a
  price was found, a single offer is made from the top-level fields.

``price``, ``currency`` and ``availability`` are the main offer's: the only offer,
an AggregateOffer's ``lowPrice``, or among several offers or variants (also sizes
listed as separate Products of the same name) the first buyable one with a price
(see ``schemaorg.main_offer``).
"""

import codecs
import logging
import re
from collections.abc import Callable

import charset_normalizer
from lxml import etree

from plugin.metadata import local_currency, normalize
from plugin.metadata.errors import MetadataError
from plugin.metadata.product import Offer, Product
from plugin.metadata.syntaxes import (
    address,
    jsonld,
    meta,
    microdata,
    opengraph,
    rdfa,
    scripts,
    visible,
)
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

logger = logging.getLogger(__name__)

READERS = (jsonld.read, microdata.read, rdfa.read, opengraph.read, meta.read)
# Fields whose best source is not the general order (see the module docstring).
_FIELD_FIRST = {"sku": "visible"}
_MERGED_FIELDS = (
    "name",
    "description",
    "images",
    "price",
    "currency",
    "availability",
    "brand",
    "sku",
    "gtin",
    "mpn",
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16le"),
    (codecs.BOM_UTF16_BE, "utf-16be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_SNIFF_BYTES = 4096
# What the web wrote before UTF-8, per script (the detector otherwise also weighs
# code pages no site uses, and picks Mac Cyrillic for windows-1251 text).
_LEGACY_CHARSETS = [
    "cp1252", "cp1250", "cp1257", "cp1254", "cp1258", "cp1251", "koi8_r", "koi8_u", "cp1253",
    "cp1255", "cp1256", "cp874", "cp932", "euc_jp", "iso2022_jp", "cp949", "gb18030", "big5",
]  # fmt: skip
# Text from a non-ASCII byte on, to the next tag: a pattern that starts on a byte class
# the regex engine skips to (one that starts with ``[^<>]*`` is quadratic on long runs).
_NON_ASCII_TEXT = re.compile(rb"[\x80-\xff][^<>]{0,200}")
# Unicode ranges of Latin script, and those of no script every page has (punctuation,
# controls), as charset_normalizer names them.
_LATIN = re.compile(r"Basic Latin|Latin|General Punctuation|Currency Symbols|Letterlike|Control")
# Tagged availabilities a working buy button on the page contradicts.
_UNAVAILABLE = frozenset({"OutOfStock", "SoldOut"})


def extract(html: str | bytes, url: str, *, encoding: str | None = None) -> Product:
    """The product ``html`` describes, read as if it were served at ``url``.

    ``encoding`` is the charset of the HTTP ``Content-Type`` header, if any; a byte
    order mark overrides it and it overrides ``<meta charset>``. Raises
    ``MetadataError("no_product")`` when the page describes no product, and
    nothing else, whatever the input.
    """
    try:
        data, charset = prepare(html, encoding)
        page = Page(_parse(data, charset), url, source=data if charset == "utf-8" else b"")
    except (etree.LxmlError, ValueError, LookupError, TypeError) as error:
        raise MetadataError("no_product", "The page could not be read as HTML.") from error
    readings = [reading for read in READERS if (reading := _read(read, page))]
    # What the page shows people: the product code always (it names the product best),
    # price and stock only when the tags leave a question the page answers (walking the
    # tree costs): no tagged price, tagged prices that disagree, or a tagged stock that
    # the page's buy button may contradict.
    tagged = {reading.price for reading in readings if reading.price is not None}
    stated = next((reading.availability for reading in readings if reading.availability), None)
    doubted = stated is not None and stated not in _UNAVAILABLE
    doubted = doubted and visible.has_disabled_buy_button(page)
    button = stated in _UNAVAILABLE or doubted
    offer = len(tagged) != 1 or button
    shown = _read(lambda page: visible.read(page, offer=offer, button=button), page)
    if shown:
        readings.append(shown)
    # No price tagged or shown, or no product code anywhere (not even in the address):
    # the product data the shop's own scripts carry, if any.
    in_address = _read(address.read, page)
    unpriced = not tagged and not (shown and shown.price)
    uncoded = not in_address and not any(r.sku for r in readings)
    if (unpriced or uncoded) and (embedded := _read(scripts.read, page)):
        readings.append(embedded)
    if in_address:
        readings.append(in_address)
    # A tagged price makes a product page; a price merely shown needs a buy button or a
    # stock statement too (``visible`` sets ``is_product`` then).
    if not any(
        reading.is_product or (reading.price is not None and reading.syntax != "visible")
        for reading in readings
    ):
        raise MetadataError("no_product", "The page does not describe a product for sale.")
    product = merge(readings, url)
    if shown and len(tagged) > 1:
        _shown_price_wins(product, readings, shown)
    if shown and shown.buy_button and product.availability in _UNAVAILABLE:
        # A product with a working buy button can be bought, whatever a stale or
        # first-variant-only tag says.
        _shown_stock_wins(product, "InStock")
    elif doubted and shown and shown.buy_button is False and shown.availability in _UNAVAILABLE:
        _shown_stock_wins(product, shown.availability)
    if product.price is not None and product.currency is None:
        _local_currency(product, page)
    return product


def _local_currency(product: Product, page: Page) -> None:
    """A price shown as "$87.11" on a US page is in USD (see ``local_currency``)."""
    code = local_currency.currency(page, product.price)
    if code is None:
        return
    product.currency, product.sources["currency"] = code, "locale"
    for offer in product.offers:
        offer.currency = offer.currency or code


def _shown_stock_wins(product: Product, availability: str) -> None:
    """The page's buy button and stock statement overrule the tags' stock (see the
    module docstring), for the product and its one offer."""
    product.availability, product.sources["availability"] = availability, "visible"
    if len(product.offers) == 1:
        product.offers[0].availability = availability


def _shown_price_wins(product: Product, readings: list[Reading], shown: Reading) -> None:
    """Tagged syntaxes that disagree on the price (JSON-LD's starting bid, Open Graph's
    current one): the one the page shows as the product's price wins."""
    if shown.price is None or shown.price == product.price:
        return
    agreeing = next((r for r in readings if r.syntax != "visible" and r.price == shown.price), None)
    if agreeing is None:
        return
    product.price, product.list_price = agreeing.price, agreeing.list_price
    product.currency = agreeing.currency or product.currency
    product.sources["price"] = product.sources["currency"] = agreeing.syntax
    if len(product.offers) == 1 and product.offers[0].price != agreeing.price:
        offer = product.offers[0]
        offer.price, offer.currency = agreeing.price, product.currency
        offer.list_price = product.list_price


def parse(html: str | bytes, encoding: str | None = None) -> etree._Element:
    """The page's lxml tree, bytes decoded by libxml2 in the charset ``sniff`` finds."""
    return _parse(*prepare(html, encoding))


def prepare(html: str | bytes, encoding: str | None = None) -> tuple[bytes, str]:
    """The bytes to parse and their charset; text is parsed as UTF-8.

    Charsets libxml2 does not know (a few East Asian ones) are decoded by Python.
    """
    if isinstance(html, str):
        return html.encode("utf-8", "replace"), "utf-8"
    data, charset = sniff(bytes(html), encoding)
    try:
        etree.HTMLParser(encoding=charset)
    except LookupError:
        return data.decode(charset, "replace").encode("utf-8"), "utf-8"
    return data, charset


def _parse(data: bytes, charset: str) -> etree._Element:
    """A plain ``etree.HTMLParser``: ``lxml.html``'s element classes are looked up in
    Python for every element touched, a cost readers here do not need; no ID index
    either (``collect_ids``, 5% of parsing): the one lookup by id, microdata's
    ``itemref``, finds its element by attribute."""
    parser = etree.HTMLParser(encoding=charset, remove_comments=True, collect_ids=False)
    root = etree.fromstring(data, parser=parser)
    if root is None:
        raise ValueError("the document is empty")
    return root


def sniff(data: bytes, header_encoding: str | None) -> tuple[bytes, str]:
    """The bytes to parse (BOM removed) and their charset, as browsers decide it.

    Byte order mark, then the HTTP header's charset, then ``<meta charset>``, then
    UTF-8 if the start of the page is valid UTF-8, else what ``_detected`` finds.
    """
    for bom, charset in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :], charset
    declared = _codec(header_encoding)
    if declared is None:
        match = _META_CHARSET.search(data[:_SNIFF_BYTES])
        declared = _codec(match.group(1).decode("ascii")) if match else None
        # A page read as bytes cannot be UTF-16 if its <meta> was found as ASCII.
        if declared and declared.startswith("utf-16"):
            declared = "utf-8"
    if declared:
        return data, declared
    start = data[: _SNIFF_BYTES * 16]
    try:
        start.isascii() or codecs.getincrementaldecoder("utf-8")().decode(start)
    except UnicodeDecodeError:
        return data, _detected(start)
    return data, "utf-8"


def _detected(start: bytes) -> str:
    """The charset of a page that declares none and is not UTF-8, from its first bytes.

    A detector tells scripts apart well (Shift_JIS from EUC-KR from windows-1251) but
    not Latin code pages from each other on a page's worth of text; for Latin text,
    and when it finds nothing, windows-1252, the web's default.
    """
    # The detector samples a few chunks: give it the page's non-ASCII text, not markup.
    text = b" ".join(_NON_ASCII_TEXT.findall(start))[: _SNIFF_BYTES * 4]
    match = charset_normalizer.from_bytes(text, cp_isolation=_LEGACY_CHARSETS).best()
    if match is None or all(_LATIN.match(alphabet) for alphabet in match.alphabets):
        return "windows-1252"
    return _codec(match.encoding) or "windows-1252"


def _codec(label: str | None) -> str | None:
    """The codec for a charset ``label`` (Python's name, hyphenated as libxml2 wants it).

    None when Python knows no such codec; Latin-1 and ASCII labels mean
    windows-1252, as in browsers.
    """
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except (LookupError, ValueError):
        return None
    if name in ("latin-1", "iso8859-1", "cp1252", "ascii"):
        return "windows-1252"
    return name.replace("_", "-")


def _read(read: Callable[[Page], Reading | None], page: Page) -> Reading | None:
    """One syntax's reading; a reader that fails on odd markup only loses its own syntax."""
    try:
        return read(page)
    except Exception:
        logger.warning(
            "%s failed on a page of %s", read.__module__, normalize.host(page.url), exc_info=True
        )
        return None


def merge(readings: list[Reading], page_url: str) -> Product:
    """One ``Product`` from readings in precedence order (see the module docstring)."""
    product = Product(url=page_url)
    sources = product.sources
    page_host = normalize.host(page_url)
    for reading in readings:
        if reading.url and normalize.host(reading.url) == page_host:
            product.url, sources["url"] = reading.url, reading.syntax
            break
    for field in _MERGED_FIELDS:
        first = _FIELD_FIRST.get(field)
        ordered = (
            sorted(readings, key=lambda reading: reading.syntax != first) if first else readings
        )
        for reading in ordered:
            value = getattr(reading, field)
            if value is not None and value != [] and value != "":
                setattr(product, field, value)
                sources[field] = reading.syntax
                break
    # A list price only from the syntax that gave the price: another's may be stale or
    # in another currency.
    priced_by = next((r for r in readings if r.syntax == sources.get("price")), None)
    product.list_price = priced_by.list_price if priced_by else None
    with_offers = next((reading for reading in readings if reading.offers), None)
    if with_offers:
        product.offers = with_offers.offers
        sources["offers"] = with_offers.syntax
    elif product.price is not None:
        product.offers = [
            Offer(
                sku=product.sku,
                price=product.price,
                currency=product.currency,
                list_price=product.list_price,
                availability=product.availability,
                url=product.url,
            )
        ]
        sources["offers"] = sources["price"]
    return product
