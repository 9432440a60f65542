"""What the page shows a buyer, for pages whose tags say too little: price, stock, product code.

The last resort, below every tagged syntax, for the fields they leave empty (and,
for ``sku``, the code the page prints for people; see ``extract``). Rules about how
shops write these things, never about one shop's markup:

* **price**: the first element after the product's heading whose ``class``/``id``
  says "price" (in a few languages), whose short text is an amount with a
  currency, and which is not a crossed-out, former, list or unit price.
* **availability**: the first element labelled availability/stock whose short text
  is a stock phrase ("Currently unavailable", "Auf Lager", "Non disponibile", …).
* **sku**: a code printed after a label ("SKU:", "Product code", "Art.-Nr.",
  "Bestellnummer", "Код", "ASIN", …), or the short text of an element whose
  ``class``/``id``/``data-*`` names it a product code or reference.
* **is_product**: a heading plus a price and a buy button, or plus a stock statement.

Everything is found with a handful of XPath queries run by libxml2, so the reader
costs little next to parsing.
"""

import re

from lxml import etree

from plugin.metadata import normalize
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_MAX_TEXT = 48

# Case-sensitive pieces of the words looked for in class/id/data-* labels (libxml2's
# contains() is fast; translate() to lower case on every attribute is not). The
# regexes below then decide, on the few attributes found.
_PIECES = (
    "rice", "RICE", "reis", "Preis", "prix", "Prix", "precio", "prezzo", "Prezzo", "preco",
    "cena", "cijena", "hinta",
    "vailab", "tock", "dispon", "Dispon", "lager", "Lager", "verf", "nalich",
    "sku", "Sku", "SKU", "roduct-code", "roductCode", "roduct_code", "roduct-reference",
    "rticle-number", "rticleNumber", "tem-number", "temNumber",
    "art", "Cart", "asket", "Basket", "buy", "Buy", "BUY", "warenkorb", "Warenkorb", "panier",
    "carrello", "kosik", "korzin",
)  # fmt: skip
_LABEL_TEST = "[" + " or ".join(f"contains(., '{piece}')" for piece in _PIECES) + "]"
# Headings and labelled attributes, all in document order: one walk in libxml2.
_LANDMARKS = etree.XPath(
    "//body//h1"
    + "".join(
        f" | //body//*[not(self::script or self::style)]/@{name}{_LABEL_TEST}"
        for name in ("class", "id", "data-qa-qualifier", "data-testid")
    )
)
_PRICE_LABEL = re.compile(r"pri[cs]e|preis|prix|precio|prezzo|preco|cena|cijena|hinta", re.I)
_STOCK_LABEL = re.compile(r"availab|stock|dispon|lager|verf[uü]gbar|nalich", re.I)
_CODE_LABEL_ATTRIBUTE = re.compile(
    r"(?<![a-z])(?:sku|product.?code|product.?reference|article.?number|item.?number)",
    re.IGNORECASE,
)
_BUY_LABEL = re.compile(r"cart|basket|warenkorb|panier|carrello|kosik|korzin|(?<![a-z])buy", re.I)
# Labels that name one state ("unavailable-label", "outOfStock"): templates a script
# shows or hides, present on in-stock pages too.
_STATE_LABEL = re.compile(r"unavailab|out-?of-?stock|sold-?out|in-?stock|not-?available", re.I)

# Text nodes that may hold a product code label; the regexes below decide.
_LABEL_HINTS = (
    "SKU", "Sku", "sku", "Art", "art.", "Bestell", "roduct code", "roduct Code", "roduct number",
    "tem number", "tem no", "tem #", "tem ID", "Код", "Артикул", "Šifra", "Kód", "Cod",
    "Cód", "Ref", "Réf", "ASIN", "post id", "kods", "Tuotenumero", "Tootekood", "Nr kat",
    "Numer katalogowy",
)  # fmt: skip
_LABEL_TEXTS = etree.XPath(
    "//body//*[not(self::script or self::style)]/text()[string-length() < 64]["
    + " or ".join(f"contains(., '{hint}')" for hint in _LABEL_HINTS)
    + "]"
)
_NEXT_TEXTS = etree.XPath("following::text()[normalize-space()][position() <= 2]")
_LABEL_VALUE = r"\s*[:#.\-–]?\s*(?P<code>.*)$"
# Labels that name the shop's own code for the product, strongest first; a generic
# "Reference"/"Código" only counts when no stronger label is on the page.
_CODE_LABELS = (
    re.compile(
        r"^\W*(?:sku|art(?:ikel)?\.?\s*-?\s*(?:nr|nummer|no)\.?|artikelnummer|bestellnummer|"
        r"best\.?\s*-?\s*nr\.?|product\s+(?:code|number|id)|item\s+(?:number|no\.?|#|id)|"
        r"код(?:\s+товара)?|артикул|šifra|kód(?:\s+produktu)?|cod(?:ice)?\s+produs|asin|"
        r"post\s+id|produkta\s+kods|tuotenumero|tootekood|numer\s+katalogowy|nr\s+kat\.?)"
        + _LABEL_VALUE,
        re.IGNORECASE,
    ),
    re.compile(
        r"^\W*(?:c[oó]digo(?:\s+(?:del\s+)?producto)?|ref(?:erence|\.)?|réf(?:érence|\.)?)"
        + _LABEL_VALUE,
        re.IGNORECASE,
    ),
)
_CODE = re.compile(r"^(?=.*\d)[A-Za-z0-9][A-Za-z0-9\-_./]{2,39}$")

# Parts of a price element's label that mean "not the price to pay".
_NOT_THE_PRICE = re.compile(
    r"old|was|before|strike|crossed|regular|list|rrp|msrp|uvp|original|compare|former|"
    r"save|saving|discount|percent|unit|per-|shipping|delivery|range|filter|slider|label|"
    r"title|currency|tax|vat|dph|installment|monthly|finance|total|cart|basket|minicart",
    re.IGNORECASE,
)
_CROSSED_OUT = etree.XPath("ancestor-or-self::*[self::del or self::s or self::strike]")
# Other products' prices: carousels and "related", "similar", "sponsored" lists.
_ELSEWHERE_PIECES = ("arousel", "lider", "ecommend", "elated", "imilar", "ponsored", "psell")
_ELSEWHERE_PIECES += ("ross-sell", "rosssell", "lso-", "ccessor", "undle", "sims-", "p13n")
_ELSEWHERE = etree.XPath(
    "ancestor::*[@class or @id][ "
    + " or ".join(
        f"contains(@class, '{piece}') or contains(@id, '{piece}')" for piece in _ELSEWHERE_PIECES
    )
    + "]"
)
# An element whose text holds two amounts (old and new price) is a container: its
# children are looked at on their own.
_AMOUNTS = re.compile(r"\d[\d\s.,'’]*")

# Stock phrases, out-of-stock ones checked first ("not available" contains "available").
_OUT_OF_STOCK = re.compile(
    r"out\s+of\s+stock|sold\s*out|currently\s+unavailable|unavailable|no\s+longer\s+available|"
    r"not\s+(?:currently\s+)?available|nicht\s+(?:mehr\s+)?(?:verfügbar|lieferbar|vorrätig)|"
    r"ausverkauft|indisponible|rupture\s+de\s+stock|épuisé|non\s+disponibile|esaurito|"
    r"agotado|no\s+disponible|sem\s+estoque|esgotado|indisponível|nedostupn|vypredan|"
    r"niedostępn|brak\s+w\s+magazynie|нет\s+в\s+наличии|немає\s+в\s+наявності|"
    r"ni\s+na\s+zalogi|loppu|nicht\s+auf\s+lager|품절|在庫切れ|缺貨|售完",
    re.IGNORECASE,
)
_IN_STOCK = re.compile(
    r"in\s+stock|available|auf\s+lager|lieferbar|sofort\s+verfügbar|verfügbar|en\s+stock|"
    r"disponible|disponibile|in\s+magazzino|disponível|em\s+estoque|skladom|na\s+sklade|"
    r"dostępn|в\s+наличии|є\s+в\s+наявності|na\s+zalogi|varastossa|laos|재고|在庫あり|有貨",
    re.IGNORECASE,
)


def read(page: Page) -> Reading | None:
    landmarks = _LANDMARKS(page.root)
    headings = [node for node in landmarks if not isinstance(node, str)]
    heading = _product_heading(page, headings)
    if heading is None:
        return None
    labelled = landmarks[landmarks.index(heading) + 1 :]
    amount, currency = _price(labelled)
    availability = _availability(labelled)
    sku = _sku(page, labelled)
    if amount is None and availability is None and sku is None:
        return None
    buy = any(isinstance(node, str) and _BUY_LABEL.search(node) for node in landmarks)
    return Reading(
        syntax="visible",
        is_product=(amount is not None and buy) or availability is not None,
        name=_text(heading, 300),
        price=amount,
        currency=currency,
        availability=availability,
        sku=sku,
    )


def _text(element: etree._Element, limit: int = _MAX_TEXT) -> str | None:
    """The element's text, whitespace collapsed; None when longer than ``limit``."""
    parts, length = [], 0
    for piece in element.itertext():
        parts.append(piece)
        length += len(piece)
        if length > limit * 8:
            return None
    text = " ".join(" ".join(parts).split())
    return text if text and len(text) <= limit else None


def _product_heading(page: Page, headings: list) -> etree._Element | None:
    """The product's ``<h1>``: the one whose text the ``<title>`` repeats, else the first."""
    if not headings:
        return None
    title = " ".join(" ".join(t.text or "" for t in page.titles).split()).lower()
    for heading in headings:
        text = _text(heading, 300)
        if text and len(text) > 3 and text.lower() in title:
            return heading
    return headings[0]


def _elements(labelled: list, label: re.Pattern) -> list[etree._Element]:
    """Elements (document order, once each) with an attribute that ``label`` matches."""
    found: list[etree._Element] = []
    for node in labelled:
        if isinstance(node, str) and label.search(node):
            element = node.getparent()
            if not found or found[-1] is not element:
                found.append(element)
    return found


def _label(element: etree._Element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


def _price(labelled: list) -> tuple:
    for element in _elements(labelled, _PRICE_LABEL):
        if _NOT_THE_PRICE.search(_label(element)) or _CROSSED_OUT(element):
            continue
        text = _text(element)
        if not text or len(_AMOUNTS.findall(text)) != 1 or _ELSEWHERE(element):
            continue
        amount, currency = normalize.price(text)
        if amount is not None and amount > 0 and (currency or normalize.has_currency_sign(text)):
            return amount, currency
    return None, None


def _availability(labelled: list) -> str | None:
    for element in _elements(labelled, _STOCK_LABEL):
        if _STATE_LABEL.search(_label(element)):
            continue
        text = _text(element, 120)
        if not text:
            continue
        if _OUT_OF_STOCK.search(text):
            return "OutOfStock"
        if _IN_STOCK.search(text):
            return "InStock"
    return None


def _sku(page: Page, labelled: list) -> str | None:
    found: list[str | None] = [None] * len(_CODE_LABELS)
    for node in _LABEL_TEXTS(page.root):
        text = " ".join(str(node).split())
        for rank, label in enumerate(_CODE_LABELS):
            match = label.match(text)
            if not match or found[rank] is not None:
                continue
            value = match.group("code").strip() or _next_text(node)
            if _CODE.match(value):
                found[rank] = value
            break
        if found[0] is not None:
            return found[0]
    for element in _elements(labelled, _CODE_LABEL_ATTRIBUTE):
        text = _text(element)
        if text and _CODE.match(text):
            return text
    return found[-1]


def _next_text(node: etree._ElementUnicodeResult) -> str:
    """The first non-blank text after the text ``node`` (a label's value in the next cell)."""
    parent = node.getparent()
    if parent is None:
        return ""
    following = _NEXT_TEXTS(parent)
    if node.is_tail and following:
        following = following[1:]
    return " ".join(str(following[0]).split()) if following else ""
