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
* **buy_button** (asked for when the tags' stock is in doubt): whether the product's own
  buy button, the first ``<button>``/submit named for a cart outside other products'
  lists, can be pressed: not ``disabled``/``aria-disabled``, not labelled sold out.

The product's heading is the ``<h1>`` the ``<title>`` repeats, else the first outside
``<nav>``/``<aside>``; text read from elements leaves out their scripts and styles.

Everything is found with a handful of XPath queries run by libxml2, so the reader
costs little next to parsing.
"""

import itertools
import re

from lxml import etree

from plugin.metadata import normalize
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_MAX_TEXT = 48
# How far after the product's heading its price, stock and code are looked for: in
# elements for the price and stock, in bytes of markup for the code.
_OFFER_SPAN = 1200
_CODE_SPAN = 640 * 1024
# How many bytes after the heading the product's buy button and the element named for
# its code are looked for: they sit with the product, not in its description.
_NEAR_HEADING = 64 * 1024
_MAX_TAG = 2048  # bytes of a start tag, its attributes included

# Class/id words for price, stock and cart elements. Shops name these in English in
# their markup whatever the language of the page; ``_walk_after`` tests pieces of them
# with ``in`` on each element (cheap), these regexes then decide on the few that pass.
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_PRICE_LABEL = re.compile(r"price", re.I)
_STOCK_LABEL = re.compile(r"availab|stock", re.I)
# A control that puts the product in a cart or buys it, named in any of the usual ways.
_BUY_CONTROL = re.compile(
    r"cart|basket|buy|checkout|warenkorb|panier|carrello|carrito|ko[sš]ar|kosik|korzin",
    re.IGNORECASE,
)
# Elements that are a buy button themselves (a link or a form is not pressed the same way).
_BUTTONS = frozenset({"button", "input"})
_SUBMIT_TYPES = frozenset({"submit", "button", "image"})
# Labels that name one state ("unavailable-label", "outOfStock"): templates a script
# shows or hides, present on in-stock pages too.
_STATE_LABEL = re.compile(r"unavailab|out-?of-?stock|sold-?out|in-?stock|not-?available", re.I)

_VALUE = (
    rb"(?:&[#\w]+;|\s|[:#.\-]|\xe2\x80\x93)*"
    rb"(?:</?[A-Za-z][^>]{0,300}>(?:&[#\w]+;|\s|[:#.\-]|\xe2\x80\x93)*){0,4}"
    rb"(?P<code>[A-Za-z0-9][A-Za-z0-9\-_./]{2,39})\s*<"
)
_STRONG_LABELS = (
    "SKU", "Sku", "ASIN", "Art.-Nr", "Art.Nr", "Art. Nr", "Art.-nr", "Artikelnummer",
    "Artikel-Nr", "Bestellnummer", "Best.-Nr", "Product code", "Product Code", "Product number",
    "Product ID", "Item number", "Item Number", "Item #", "Item no", "Item No", "Код товара",
    "Код", "Артикул", "Šifra", "Kód produktu", "Kód", "Cod produs", "post id", "Produkta kods",
    "Tuotenumero", "Tootekood", "Numer katalogowy", "Nr kat",
)  # fmt: skip
# A generic "Reference"/"Código" only counts when no stronger label is on the page.
_WEAK_LABELS = ("Ref.", "Reference", "REF", "Réf.", "Référence", "Código", "Codigo", "Cod.")
_LABELS = sorted(_STRONG_LABELS + _WEAK_LABELS, key=len, reverse=True)
# A label right after a tag, then the code. The lookahead on the label's first letter
# lets the regex engine skip most of the page's ">" at once.
_LABELLED_CODE = re.compile(
    b">(?=\\s*["
    + b"".join(sorted({re.escape(label.encode()[:1]) for label in _LABELS}))
    + b"])\\s*(?P<label>"
    + b"|".join(re.escape(label.encode()) for label in _LABELS)
    + b")"
    + _VALUE
)
_STRONG = re.compile(b"|".join(re.escape(label.encode()) for label in _STRONG_LABELS))
# An element whose class/id/data-* names it the product code or reference.
_NAMED_CODE = re.compile(
    rb"roduct(?:-reference|-code|Code|_code|-number)[\w-]{0,40}[\"'][^<>]{0,300}>\s{0,200}"
    rb"(?P<code>[^<>\s]{3,40})\s{0,200}<"
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

_CENTS_APART = re.compile(r"(\d) (\d{2})(?![\d.,])")
_DOT_GROUPED = re.compile(r"\d\.\d{3}(?!\d)")

# Stock phrases, out-of-stock ones checked first ("not available" contains "available").
_OUT_OF_STOCK = re.compile(
    r"out\s+of\s+stock|sold\s*out|currently\s+unavailable|unavailable|no\s+longer\s+available|"
    r"not\s+(?:currently\s+)?available|nicht\s+(?:mehr\s+)?(?:verfügbar|lieferbar|vorrätig)|"
    r"ausverkauft|indisponible|rupture\s+de\s+stock|épuisé|non\s+disponibile|esaurito|"
    r"agotado|no\s+disponible|sem\s+estoque|esgotado|indisponível|nedostupn|vypredan|"
    r"niedostępn|brak\s+w\s+magazynie|нет\s+в\s+наличии|немає\s+в\s+наявності|"
    r"ni\s+na\s+zalogi|loppu|nicht\s+auf\s+lager|품절|在庫切れ|缺貨|售完|"
    # "Cannot be bought (but can be reserved)".
    r"cannot\s+be\s+(?:purchased|bought|ordered)|nicht\s+(?:bestellbar|kaufbar)|"
    r"nie\s+je\s+možné\s+(?:\w+\s+)?kúpiť|nelze\s+(?:\w+\s+)?koupit|"
    r"nie\s+można\s+(?:\w+\s+)?kupić|no\s+se\s+puede\s+comprar",
    re.IGNORECASE,
)
# A control the page has switched off, found in the markup without walking the tree.
# (A regex starting on a literal: the engine skips to it; one starting on ``\s`` tries
# every byte.)
_DISABLED = re.compile(rb"""disabled(?:[\s>/]|=["']?(?:disabled|true)?["'\s>])""")
_IN_STOCK = re.compile(
    r"in\s+stock|available|auf\s+lager|lieferbar|sofort\s+verfügbar|verfügbar|en\s+stock|"
    r"disponible|disponibile|in\s+magazzino|disponível|em\s+estoque|skladom|na\s+sklade|"
    r"dostępn|в\s+наличии|є\s+в\s+наявності|na\s+zalogi|varastossa|laos|재고|在庫あり|有貨",
    re.IGNORECASE,
)


def read(page: Page, *, offer: bool = True, button: bool = False) -> Reading | None:
    """The visible reading. ``offer=False`` skips price and stock (a tagged syntax
    gave the price), which saves a walk over the page. ``button`` also tells whether
    the product's buy button can be pressed (``buy_button``)."""
    sku = _sku(page)
    amount = currency = availability = heading = pressable = None
    buy = False
    if offer and (heading := product_heading(page)) is not None:
        labelled, buy, pressable = _walk_after(heading, button)
        amount, currency = _price(labelled)
        availability = _availability(labelled)
    if amount is None and availability is None and sku is None and pressable is None:
        return None
    return Reading(
        syntax="visible",
        is_product=(amount is not None and buy) or availability is not None,
        buy_button=pressable,
        name=_text(heading, 300) if heading is not None else None,
        price=amount,
        currency=currency,
        availability=availability,
        sku=sku,
    )


def has_disabled_buy_button(page: Page) -> bool:
    """Whether a ``<button>``/``<input>`` named for a cart, after the first heading, is
    disabled: a shop switches its buy button off when the product cannot be bought (and,
    on pages with variants, until one is chosen, which is why the page's stock statement
    must agree; see ``extract``). Searched in the markup: a whole-page pass costs."""
    source, start = page.source, page.heading_offset
    for match in _DISABLED.finditer(source, start, start + _NEAR_HEADING):
        # The tag around it, looked for within a tag's length (a hostile page's
        # thousands of "disabled" outside any tag cost no more than that each).
        at = match.start()
        opening = source.rfind(b"<", max(start, at - _MAX_TAG), at)
        closing = source.find(b">", at, at + _MAX_TAG)
        if opening < 0 or closing < 0:
            continue
        tag = source[opening:closing].decode("utf-8", "replace")
        if tag[1:7].lower() in ("button", "input ") and ">" not in tag and _BUY_CONTROL.search(tag):
            return True
    return False


def _following(heading: etree._Element):
    """The heading, what it holds, and every element after it, in document order (chained
    lxml iterators: no Python frame per element)."""
    siblings = (
        sibling.iter(etree.Element)
        for node in itertools.chain((heading,), heading.iterancestors())
        for sibling in node.itersiblings(etree.Element)
    )
    return itertools.chain(heading.iter(etree.Element), itertools.chain.from_iterable(siblings))


def _walk_after(heading: etree._Element, button: bool = False) -> tuple[list, bool, bool | None]:
    """Elements from the heading on whose class/id may name a price or a stock, whether
    the page has a cart or buy control, and (with ``button``) whether the product's own
    buy button (the first one outside other products' lists) can be pressed: None when
    there is none."""
    labelled, buy, pressable = [], False, None
    looking = button
    for element in itertools.islice(_following(heading), _OFFER_SPAN + 1):
        label = element.get("class")
        identifier = element.get("id")
        if identifier:
            label = f"{label} {identifier}" if label else identifier
        if not label or element.tag in _SKIPPED_TAGS:
            continue
        if "rice" in label or "tock" in label or "vailab" in label:
            labelled.append(element)
        if (looking or not buy) and _may_name_buy(label) and _BUY_CONTROL.search(label):
            buy = True
            if looking and element.tag in _BUTTONS:
                pressable = _pressable(element)
                looking = pressable is None
    return labelled, buy, pressable


def _may_name_buy(label: str) -> bool:
    """A cheap first test for ``_BUY_CONTROL`` (pieces of its words, any case of their
    first letter), run on every labelled element; the regex decides on those that pass."""
    return (
        "art" in label
        or "asket" in label
        or "uy" in label
        or "heckout" in label
        or "arenkorb" in label
        or "anier" in label
        or "arrel" in label
        or "arrit" in label
        or "osar" in label
        or "ošar" in label
        or "osik" in label
        or "orzin" in label
        or "ART" in label
        or "UY" in label
    )


def _pressable(element: etree._Element) -> bool | None:
    """Whether a buy button can be pressed (False: disabled or labelled sold out); None
    for one that is hidden, not a button, or in another product's list."""
    if element.tag == "input" and (element.get("type") or "").lower() not in _SUBMIT_TYPES:
        return None
    if element.get("hidden") is not None or _ELSEWHERE(element):
        return None
    label = f"{element.get('class', '')} {element.get('style', '')}".lower()
    if "display:none" in label.replace(" ", ""):
        return None
    if (
        element.get("disabled") is not None
        or (element.get("aria-disabled") or "").lower() == "true"
        or "disabled" in label
    ):
        return False
    text = _text(element, 60) or element.get("value") or ""
    return _OUT_OF_STOCK.search(text) is None


def _text(element: etree._Element, limit: int = _MAX_TEXT) -> str | None:
    """The element's text, whitespace collapsed; None when longer than ``limit``."""
    parts, length = [], 0
    for piece in _shown_text(element):
        parts.append(piece)
        length += len(piece)
        if length > limit * 8:
            return None
    text = " ".join(" ".join(parts).split())
    return text if text and len(text) <= limit else None


# Text a browser does not show: scripts and styles inside an element (a stock widget
# often carries its own script).
_SHOWN_TEXT = etree.XPath(
    "descendant-or-self::text()[not(parent::script or parent::style)]", smart_strings=False
)
_IN_NAVIGATION = etree.XPath("ancestor::*[self::nav or self::aside or @role='navigation']")


def _shown_text(element: etree._Element):
    """The element's text as shown: scripts and styles left out (cheaply when it has none)."""
    if element.find(".//script") is None and element.find(".//style") is None:
        return element.itertext()
    return _SHOWN_TEXT(element)


def product_heading(page: Page) -> etree._Element | None:
    """The product's ``<h1>``: the one whose text the ``<title>`` repeats, else the first
    outside the page's navigation (a menu's or a sidebar's ``<h1>`` names a category)."""
    headings = page.headings
    if not headings:
        return None
    if len(headings) > 1:
        headings = [h for h in headings if not _IN_NAVIGATION(h)] or headings
    title = " ".join(" ".join(t.text or "" for t in page.titles).split()).lower()
    for heading in headings:
        text = _text(heading, 300)
        if text and len(text) >= 3 and text.lower() in title:
            return heading
    return headings[0]


def _elements(labelled: list, label: re.Pattern) -> list[etree._Element]:
    """The elements (document order) whose class or id ``label`` matches."""
    return [element for element in labelled if label.search(_label(element))]


def _label(element: etree._Element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


def _price(labelled: list) -> tuple:
    for element in _elements(labelled, _PRICE_LABEL):
        if _NOT_THE_PRICE.search(_label(element)) or _CROSSED_OUT(element):
            continue
        text = _text(element)
        if not text or len(_AMOUNTS.findall(text)) != 1 or _ELSEWHERE(element):
            continue
        amount, currency = normalize.price(_cents_joined(text))
        if amount is not None and amount > 0 and (currency or normalize.has_currency_sign(text)):
            return amount, currency
    return None, None


def _cents_joined(text: str) -> str:
    """``text`` with cents printed in an element of their own ("$229<sup>99</sup>",
    read as "$229 99") put back after a decimal separator: a comma when the whole part
    groups thousands with dots ("1.234 56" is 1234,56). Thousands groups have three
    digits, so two after a space are cents."""
    separator = "," if _DOT_GROUPED.search(text) else "."
    return _CENTS_APART.sub(rf"\1{separator}\2", text, count=1)


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


def _sku(page: Page) -> str | None:
    """The product code the page prints after a label, or in an element named for it.

    Searched in the markup itself with two regexes that start on a literal, a fraction
    of the cost of walking the tree in Python: the first strong label ("SKU", "Art.-Nr."),
    else the first element named a product code or reference, else the first weak label.
    """
    source = page.source
    if not source:
        return None
    # Product codes are printed with the product, after its heading: start there, and
    # stop before the footers of the biggest pages.
    start = page.heading_offset
    end = start + _CODE_SPAN
    weak = None
    for match in _LABELLED_CODE.finditer(source, start, end):
        code = match.group("code").decode("ascii")
        if not _CODE.match(code):
            continue
        if _STRONG.match(match.group("label")):
            return code
        weak = weak or code
    for match in _NAMED_CODE.finditer(source, start, start + _NEAR_HEADING):
        code = match.group("code").decode("utf-8", "replace")
        if _CODE.match(code):
            return code
    return weak
