"""Turn the many spellings found on real pages into the one form ``Product`` holds.

Every function here accepts whatever a reader found (strings, numbers, lists,
nested dicts, ``None``) and returns a clean value or ``None``; none of them raises.
"""

import html
import re
from decimal import Decimal
from urllib.parse import urljoin, urlsplit, urlunsplit

from price_parser import Price

from plugin import money

# Above this an "amount" is an ID or a typo, and it would not survive quantizing.
_MAX_PRICE = Decimal(10) ** 15
_PLAIN_NUMBER = re.compile(r"\s*-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\s*")
_WHITESPACE = re.compile(r"\s+")
# One separator followed by exactly three digits, the only number in the string.
_AMBIGUOUS = re.compile(r"^\D*?(\d{1,3}[.,]\d{3})(?!\d)\D*$")
_THOUSANDS_ONLY = re.compile(r"-?\d{1,3}(?:\.\d{3})+")
_KEY_SEPARATORS = re.compile(r"[/#:]")
# A short word right before or after the amount: "Kn", "Kč", "тг.", "lei", "Rs".
_CURRENCY_WORD = re.compile(r"^\W*[^\W\d_]{1,4}\.?\s*\d|\d\s*[^\W\d_]{1,4}\.?\W*$")

# A label before a name ("Brand: ", "Ver mais artigos da Marca: "); not "https://".
_LABELLED = re.compile(r"^[^:]{1,60}:\s+(?=\S)")

# Symbols that name one currency only; "$", "¥", "kr" or "Rs" do not.
_CURRENCY_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₽": "RUB",
    "руб": "RUB",
    "₩": "KRW",
    "원": "KRW",
    "円": "JPY",
    "₺": "TRY",
    "₴": "UAH",
    "₪": "ILS",
    "₫": "VND",
    "₱": "PHP",
    "฿": "THB",
    "zł": "PLN",
    "us$": "USD",
    "r$": "BRL",
    "c$": "CAD",
    "ca$": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "nz$": "NZD",
    "hk$": "HKD",
    "s$": "SGD",
}

# Every availability spelling seen in schema.org, Open Graph and Meta catalogs, as a
# lower-case key with separators removed, mapped to schema.org's short name.
_AVAILABILITY = {
    "instock": "InStock",
    "available": "InStock",
    "outofstock": "OutOfStock",
    "oos": "OutOfStock",
    "unavailable": "OutOfStock",
    "soldout": "SoldOut",
    "preorder": "PreOrder",
    # Open Graph's "pending": not yet purchasable but announced.
    "pending": "PreOrder",
    "presale": "PreSale",
    "backorder": "BackOrder",
    "backordered": "BackOrder",
    # Meta catalogs: ships later than in-stock items.
    "availablefororder": "BackOrder",
    "discontinued": "Discontinued",
    "limitedavailability": "LimitedAvailability",
    "onlineonly": "OnlineOnly",
    "instoreonly": "InStoreOnly",
    "madetoorder": "MadeToOrder",
    "reserved": "Reserved",
}

# Availabilities under which an offer can be bought now.
BUYABLE = frozenset({"InStock", "LimitedAvailability", "OnlineOnly", "InStoreOnly"})

# File names of lazy-load placeholders, spacers and icons, never the product picture.
_NOT_A_PICTURE = re.compile(
    r"^(?:spacer|blank|pixel|transparent|loader|loading|lazy|1x1|favicon|empty)"
    r"[\W_\d]*(?:\.\w+)?$|placeholder|\.ico$",
    re.IGNORECASE,
)


def as_list(value: object) -> list:
    """``value`` as a list: lists unchanged, ``None`` as empty, anything else wrapped."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text(value: object) -> str | None:
    """A single clean string: first non-empty item, ``name``/``@value`` of a node."""
    for item in as_list(value):
        if isinstance(item, dict):
            item = item.get("name") or item.get("@value")
        if isinstance(item, bool) or item is None or isinstance(item, dict | list):
            continue
        cleaned = _WHITESPACE.sub(" ", html.unescape(str(item))).strip()
        if cleaned:
            return cleaned
    return None


def brand(value: object) -> str | None:
    """A brand's name, without a label before it: "Marca: Panasonic" is Panasonic."""
    name = text(value)
    return _LABELLED.sub("", name) if name else None


def currency(value: object) -> str | None:
    """An ISO 4217 code from a code (any case) or an unambiguous symbol."""
    raw = text(value)
    if raw is None:
        return None
    code = raw.upper()
    if money.is_currency(code):
        return code
    return _CURRENCY_SYMBOLS.get(raw.lower())


def price(value: object, currency_hint: object = None) -> tuple[Decimal | None, str | None]:
    """Amount and, when the string names one, currency of a price.

    Plain schema.org numbers ("1299.00", 1299) become a Decimal directly; human
    strings ("$1,299.00", "1.234,56 €") go through price_parser. Never a float:
    JSON is read with ``parse_float=Decimal``.

    One separator followed by exactly three digits ("3.350", "140.000", "1,500") is
    ambiguous; the currency decides (``currency_hint``, else the one in the string):
    a decimal point only for currencies with three decimals (BHD, KWD, …), a
    thousands separator otherwise, and always in a plain number for a currency with
    no decimals at all ("140.000" CLP is 140000).
    """
    value = next((item for item in as_list(value) if item not in (None, "")), None)
    if isinstance(value, bool) or value is None:
        return None, None
    if isinstance(value, int | Decimal):
        return _plausible(Decimal(value)), None
    raw = text(value)
    if raw is None:
        return None, None
    hint = currency(currency_hint)
    if _PLAIN_NUMBER.fullmatch(raw):
        plain = raw.strip()
        if hint and _exponent(hint) == 0 and _THOUSANDS_ONLY.fullmatch(plain):
            plain = plain.replace(".", "")
        return _plausible(Decimal(plain)), None
    parsed = Price.fromstring(raw)
    if parsed.amount is None:
        return None, None
    code = currency(parsed.currency)
    amount = parsed.amount
    ambiguous = _AMBIGUOUS.search(raw)
    if ambiguous and _exponent(hint or code) == 3:
        amount = Decimal(ambiguous.group(1).replace(",", "."))
    return _plausible(amount), code


def _exponent(code: str | None) -> int | None:
    return money.exponent(code) if code and money.is_currency(code) else None


def has_currency_sign(value: object) -> bool:
    """Whether a human price string carries a currency symbol or word ("$5", "5 kr", "5 тг.")."""
    raw = text(value)
    return bool(raw) and (bool(Price.fromstring(raw).currency) or bool(_CURRENCY_WORD.search(raw)))


def _plausible(amount: Decimal) -> Decimal | None:
    return amount if amount.is_finite() and 0 <= amount < _MAX_PRICE else None


def availability(value: object) -> str | None:
    """schema.org's short name for any spelling (URL, og value, free text), else None."""
    raw = text(value)
    if raw is None:
        return None
    last = _KEY_SEPARATORS.split(raw.rstrip("/"))[-1]
    key = "".join(char for char in last.lower() if char.isalnum())
    return _AVAILABILITY.get(key)


def absolute_url(value: object, base: str) -> str | None:
    """``value`` resolved against ``base``, only if the result is http(s) with a host."""
    raw = text(value)
    if raw is None:
        return None
    try:
        if raw.startswith(("https://", "http://")) and base.startswith(raw[: raw.index("/")]):
            # Absolute already, on the base's scheme: what ``urljoin`` returns, without
            # parsing the base (most URLs in tags are absolute; urljoin costs).
            parts = urlsplit(raw)
            resolved = urlunsplit(parts) if parts.netloc else urljoin(base, raw)
        else:
            resolved = urljoin(base, raw)
        parts = urlsplit(resolved)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return resolved


def image_urls(values: object, base: str) -> list[str]:
    """Absolute picture URLs, order kept, duplicates, placeholders and icons dropped."""
    urls: list[str] = []
    for value in as_list(values):
        if isinstance(value, dict):
            value = value.get("url") or value.get("contenturl")
        if isinstance(value, list):
            urls.extend(url for url in image_urls(value, base) if url not in urls)
            continue
        url = absolute_url(value, base)
        if url and url not in urls and not _is_placeholder(url):
            urls.append(url)
    return urls


def _is_placeholder(url: str) -> bool:
    file_name = urlsplit(url).path.rsplit("/", 1)[-1]
    return bool(_NOT_A_PICTURE.search(file_name))


def host(url: str) -> str | None:
    """The lower-case host of ``url``, or None when it has none or does not parse."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
