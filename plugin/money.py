"""Money as integers: minor units plus an ISO 4217 code, never floats.

The number of minor units per major unit comes from CLDR (through Babel), so
JPY has none, EUR has two and BHD has three.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, get_currency_precision, list_currencies

_KNOWN_CURRENCIES = frozenset(list_currencies())


def is_currency(code: str | None) -> bool:
    """True for an ISO 4217 code CLDR knows (upper case, e.g. ``"EUR"``)."""
    return bool(code) and code in _KNOWN_CURRENCIES


def exponent(currency: str) -> int:
    """Digits after the decimal point in ``currency`` (2 for EUR, 0 for JPY)."""
    return get_currency_precision(currency)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half-up to the currency's minor unit."""
    return amount.quantize(Decimal(1).scaleb(-exponent(currency)), rounding=ROUND_HALF_UP)


def to_minor(amount: Decimal, currency: str) -> int:
    """Major units (``Decimal("12.99")``) to integer minor units (``1299``)."""
    return int(quantize(amount, currency).scaleb(exponent(currency)))


def to_major(minor: int, currency: str) -> Decimal:
    """Integer minor units (``1299``) to major units (``Decimal("12.99")``)."""
    return Decimal(minor).scaleb(-exponent(currency))


def major_str(minor: int, currency: str) -> str:
    """The API's price string: major units with the currency's digits (``"12.99"``)."""
    return str(to_major(minor, currency))


def format_money(minor: int, currency: str, locale: str = "en") -> str:
    """A price for people, in their language (``"12,99 €"`` for ``de``)."""
    return format_currency(to_major(minor, currency), currency, locale=locale)


def parse_decimal(text: str) -> Decimal | None:
    """A plain decimal string (``"12.99"``) or ``None`` if it is not one."""
    try:
        value = Decimal(text)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return value if value.is_finite() else None
