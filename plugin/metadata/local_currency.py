"""A price sign that names no one currency, settled by where the page is.

"$" is the sign of some twenty currencies, "kr" of four, "Rs" of several. A page
that tags no currency but shows its price as "$87.11" is still clear to its
readers: on a US page that is USD, on a ``.com.ar`` shop ARS. The page's country
comes from its address (a country's domain), else its language tag ("en-US",
``og:locale``). Its currency counts only when the page shows this very price
with a sign that currency is written with there, so nothing is guessed.
"""

import contextlib
import functools
import itertools
import re
from decimal import Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import get_currency_symbol, get_territory_currencies
from lxml import etree

from plugin.metadata import normalize
from plugin.metadata.syntaxes.page import Page

# Country domains that sites worldwide use for their letters, not their country.
# fmt: off
_VANITY_DOMAINS = frozenset({
    "ac", "ad", "ag", "ai", "am", "as", "bz", "cc", "cd", "cm", "co", "dj", "fm", "gd",
    "gg", "gl", "gs", "im", "io", "je", "la", "ly", "md", "me", "ms", "mu", "nu", "sc",
    "sh", "so", "st", "tk", "to", "tv", "vc", "vg", "ws",
})
# fmt: on
_DOMAIN_TERRITORY = {"uk": "GB"}
# Signs a currency is written with locally that its likely locale's symbol is not.
_LOCAL_SIGNS = {
    "RON": ("lei",),
    "MDL": ("lei",),
    "KZT": ("тг", "тенге"),
    "JPY": ("¥", "円"),
    "CNY": ("元",),
    "DKK": ("kr",),
    "SEK": ("kr",),
    "NOK": ("kr",),
    "ISK": ("kr",),
    "INR": ("rs", "rs."),
    "PKR": ("rs", "rs."),
    "LKR": ("rs", "rs."),
    "NPR": ("rs", "rs."),
}
_REGION = re.compile(r"^[a-z]{2,3}[-_]([a-z]{2})(?:$|[-_])", re.IGNORECASE)
# Plain strings: lxml's "smart" strings, and predicates that leave scripts out, cost
# ten times as much as the text itself; scripts' text is left out afterwards.
_BODY_TEXT = etree.XPath("//body//text()", smart_strings=False)
_SEPARATOR = r"[\s.,'’\u00a0\u202f]?"
# How far from the amount its sign may stand, in characters (spaces between text
# nodes included).
_SIGN_WINDOW = 16
# A page shows its price a few times; past this many places, a page of numbers.
_MAX_LOOKS = 100


def currency(page: Page, amount: Decimal) -> str | None:
    """The page's country's currency, when the page shows ``amount`` in its sign."""
    territory = _territory(page)
    code = _currency_of(territory) if territory else None
    if code is None:
        return None
    signs = "|".join(re.escape(sign) for sign in sorted(_signs(code, territory), key=len)[::-1])
    sign_before = re.compile(rf"(?<![\w$])(?:{signs})\s{{0,8}}$")
    sign_after = re.compile(rf"\s{{0,8}}(?:{signs})(?!\w)")
    scripts = {script.text for script in page.scripts if script.text}
    text = " ".join(each for each in _BODY_TEXT(page.root) if each not in scripts)
    for shown in itertools.islice(_written(amount).finditer(text), _MAX_LOOKS):
        before = text[max(0, shown.start() - _SIGN_WINDOW) : shown.start()].lower()
        after = text[shown.end() : shown.end() + _SIGN_WINDOW].lower()
        if sign_before.search(before) or sign_after.match(after):
            return code
    return None


def _territory(page: Page) -> str | None:
    """The country the page is for: its domain's, else its language tag's region."""
    host = normalize.host(page.url) or ""
    domain = host.rsplit(".", 1)[-1]
    if len(domain) == 2 and domain.isalpha() and domain not in _VANITY_DOMAINS:
        return _DOMAIN_TERRITORY.get(domain, domain.upper())
    tags = [page.root.get("lang") or page.root.get("{http://www.w3.org/XML/1998/namespace}lang")]
    tags += [
        meta.get("content")
        for meta in page.metas
        if (meta.get("property") or meta.get("name") or "").lower() == "og:locale"
    ]
    for tag in tags:
        if tag and (region := _REGION.match(tag.strip())):
            return region.group(1).upper()
    return None


@functools.cache
def _currency_of(territory: str) -> str | None:
    try:
        currencies = get_territory_currencies(territory)
    except (ValueError, KeyError):
        return None
    return currencies[0] if currencies else None


@functools.cache
def _signs(code: str, territory: str) -> frozenset[str]:
    """How ``code`` is written in ``territory``: its local symbol, and local words."""
    signs = {code.lower(), *_LOCAL_SIGNS.get(code, ())}
    with contextlib.suppress(UnknownLocaleError, ValueError):
        signs.add(get_currency_symbol(code, Locale.parse(f"und_{territory}")).lower())
    return frozenset(signs)


def _written(amount: Decimal) -> re.Pattern:
    """``amount`` as shops write it: "44 890", "1.299,00", "87.11".

    It starts with its first digits, so the regex engine skips to them (a pattern
    that starts with a look-behind or a choice tries every position of the page)."""
    whole, _, fraction = f"{amount:f}".partition(".")
    digits = whole.lstrip("-")
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)][::-1]
    pattern = f"{groups[0]}(?<![\\d.,]{groups[0]})" + "".join(
        _SEPARATOR + group for group in groups[1:]
    )
    fraction = fraction.rstrip("0")
    if fraction:
        pattern += rf"[.,]{fraction}0?"
    else:
        pattern += r"(?:[.,](?:00?|-))?"
    return re.compile(pattern + r"(?!\d|[.,]\d)")
