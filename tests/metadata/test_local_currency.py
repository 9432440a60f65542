"""A price sign shared by many currencies ("$", "kr", "тг.") settled by the page's
country, and only when the page shows that very price in that country's sign."""

from decimal import Decimal

import pytest

from plugin.metadata import extract


def shop_page(shown: str, lang: str = "", head: str = "", script: str = "") -> str:
    """A product tagged with a price but no currency, showing ``shown``."""
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><title>Mug</title>'
        '<meta property="og:type" content="product">'
        '<meta property="product:price:amount" content="1299.00">'
        f"{head}</head><body><h1>Mug</h1><p>{shown}</p>{script}</body></html>"
    )


@pytest.mark.parametrize(
    ("url", "lang", "shown", "currency"),
    [
        ("https://shop.example/mug", "en-US", "$1,299.00", "USD"),
        ("https://shop.example/mug", "en-us", "Price: $ 1299", "USD"),
        ("https://www.tienda.com.ar/mug", "es", "$ 1.299", "ARS"),
        ("https://www.tienda.com.ar/mug", "es", "$1.299,00", "ARS"),
        ("https://shop.example.ca/mug", "fr-CA", "1 299,00 $", "CAD"),
        ("https://www.mechta.kz/mug", "ru", "1 299 тг.", "KZT"),
        ("https://www.emag.ro/mug", "ro", "1.299,00 Lei", "RON"),
        ("https://butik.example.se/mug", "", "1 299 kr", "SEK"),
        ("https://shop.co.uk/mug", "", "1299 GBP", "GBP"),
        # A vanity domain says nothing; the language tag's region does.
        ("https://shop.io/mug", "es-MX", "$1,299.00", "MXN"),
    ],
)
def test_the_pages_country_settles_the_sign(url, lang, shown, currency):
    product = extract(shop_page(shown, lang), url)
    assert product.price == Decimal("1299.00")
    assert product.currency == currency
    assert product.sources["currency"] == "locale"
    assert [offer.currency for offer in product.offers] == [currency]


def test_og_locale_gives_the_country_when_the_address_does_not():
    html = shop_page("$1,299.00", head='<meta property="og:locale" content="en_AU">')
    assert extract(html, "https://shop.example/mug").currency == "AUD"


@pytest.mark.parametrize(
    ("url", "lang", "shown", "script"),
    [
        # No country at all: "$" could be any of twenty currencies.
        ("https://shop.example/mug", "", "$1,299.00", ""),
        ("https://shop.io/mug", "en", "$1,299.00", ""),
        # The sign is somewhere, but not on this price.
        ("https://shop.example/mug", "en-US", "1,299.00 <i>Free shipping over $50</i>", ""),
        ("https://shop.example/mug", "en-US", "$1,299.50", ""),
        ("https://shop.example/mug", "en-US", "$11,299.00", ""),
        # Another country's dollar: US$ on an Argentine shop is not pesos.
        ("https://www.tienda.com.ar/mug", "es", "US$ 1.299", ""),
        # A sign the country's currency is not written with.
        ("https://shop.example/mug", "en-US", "1,299.00 kr", ""),
        # Only a script "shows" it, and people never read scripts.
        ("https://shop.example/mug", "en-US", "1,299.00", '<script>p="$1,299.00"</script>'),
    ],
)
def test_without_the_countrys_sign_on_the_price_no_currency_is_guessed(url, lang, shown, script):
    product = extract(shop_page(shown, lang, script=script), url)
    assert product.price == Decimal("1299.00")
    assert product.currency is None
    assert "currency" not in product.sources


def test_a_tagged_currency_is_never_overridden():
    html = shop_page(
        "$1,299.00", "en-US", head='<meta property="product:price:currency" content="CAD">'
    )
    product = extract(html, "https://shop.example/mug")
    assert product.currency == "CAD" and product.sources["currency"] == "opengraph"
