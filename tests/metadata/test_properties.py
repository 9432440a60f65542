"""Property-based tests: whatever the input, extract() returns a Product or raises
MetadataError, nothing else, and in bounded time for pathological pages."""

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plugin.metadata import MetadataError, Product, extract, suggested_tags, validate

URL = "https://shop.example/p/mug"
PAGES = Path(__file__).parent / "pages"
GROUND_TRUTH = json.loads((PAGES / "ground-truth.json").read_text(encoding="utf-8"))
# The smallest real pages keep each mutated example fast.
SAMPLES = sorted(
    (gzip.decompress((PAGES / f"{page_id}.html.gz").read_bytes()) for page_id in GROUND_TRUTH),
    key=len,
)[:3]
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(html, **kwargs):
    """extract()'s result, or None when it raised MetadataError (and nothing else)."""
    try:
        product = extract(html, URL, **kwargs)
    except MetadataError as error:
        assert error.code == "no_product"
        return None
    assert isinstance(product, Product)
    json.dumps(product.to_dict())  # always serialisable
    return product


@FAST
@given(st.binary(max_size=4096), st.sampled_from([None, "utf-8", "latin-1", "bogus", "utf-16"]))
def test_arbitrary_bytes(data, encoding):
    read(data, encoding=encoding)


@FAST
@given(st.text(max_size=2048))
def test_arbitrary_text(text):
    read(text)


TAGS = st.sampled_from(
    [
        "<div>", "</div>", "<h1>", "</h1>", '<span class="price">', "</span>", "<script>",
        '<script type="application/ld+json">', "</script>", '{"@type": "Product", ',
        '"offers": {"price": ', '"1.234,56"', "}", "]", "[", ",", '<meta property="og:type" '
        'content="product">', '<meta property="product:price:amount" content="', '">',
        '<div itemscope itemtype="https://schema.org/Offer">', '<span itemprop="price">',
        "SKU: ", "ASIN", "€ 12,50", "$", "Out of stock", "<!--", "-->", "<![CDATA[", "&#0;",
        "\x00", "\ufeff", "<base href='javascript:x'>", "<p>", "\n",
    ]
)  # fmt: skip


@FAST
@given(st.lists(TAGS, max_size=60))
def test_tag_soup(pieces):
    read("".join(pieces))


@FAST
@given(st.data())
def test_mutated_real_pages(data):
    page = bytearray(data.draw(st.sampled_from(SAMPLES)))
    for _ in range(data.draw(st.integers(1, 6))):
        where = data.draw(st.integers(0, len(page)))
        action = data.draw(st.sampled_from(["cut", "insert", "flip", "truncate"]))
        if action == "cut":
            del page[where : where + data.draw(st.integers(1, 5000))]
        elif action == "insert":
            page[where:where] = data.draw(st.binary(min_size=1, max_size=64))
        elif action == "flip" and where < len(page):
            page[where] ^= data.draw(st.integers(1, 255))
        elif action == "truncate":
            del page[where:]
    read(bytes(page))


@settings(max_examples=10, deadline=None)
@given(st.data())
def test_validator_and_suggested_tags_never_raise(data):
    html = data.draw(st.one_of(st.binary(max_size=2048), st.sampled_from(SAMPLES[:1])))
    assert all(finding.level in ("error", "warning") for finding in validate(html, URL))
    assert suggested_tags(html, URL).endswith("</script>\n")


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 10_000 + "<h1>Mug</h1><span class='price'>€ 5</span>" + "</div>" * 10_000,
        "<html><body>" + "<span>" * 10_000 + "x",
        '<script type="application/ld+json">' + '{"a":' * 10_000 + "1" + "}" * 10_000,
    ],
    ids=["nested-divs", "unclosed-spans", "nested-json"],
)
def test_ten_thousand_levels_deep_returns(html):
    read(html)
    read(html.encode())


def test_five_megabytes_of_text_returns():
    text = "A product page of many words. " * 175_000  # about 5 MB
    head = '<meta property="og:type" content="product"><meta property="og:title" content="Mug">'
    product = read(f"<html><head>{head}</head><body><h1>Mug</h1><p>{text}</p></body></html>")
    assert product is not None and product.name == "Mug"
    read(("<p>" + text).encode())


_TAGGED = (
    '<title>Mug</title><script type="application/ld+json">{"@type": "Product", "name": "Mug",'
    ' "offers": {"price": "5", "priceCurrency": "EUR", "availability": "InStock"}}</script>'
)


@pytest.mark.parametrize(
    "body",
    [
        # Thousands of "disabled" outside any tag, then megabytes without a ">".
        '<h1>Mug</h1><div class="x" ' + "disabled " * 7000 + "x" * 3_000_000,
        # A class naming the product code, two megabytes long.
        '<h1>Mug</h1><p class="' + "product-code" * 200_000 + '">',
        # Thousands of JS comments opened in a JSON-LD block, none of them closed.
        '<h1>Mug</h1><script type="application/ld+json">' + "/*a" * 30_000 + "</script>",
        # Thousands of objects opened in a script, none of them ever closed.
        "<h1>Mug</h1><script>var s = " + '({"name": "Mug", "price": 1, "x": ' * 20_000,
    ],
    ids=[
        "disabled-everywhere",
        "endless-code-class",
        "unclosed-comments",
        "unclosed-script-objects",
    ],
)
def test_markup_searches_stay_linear_on_hostile_pages(body):
    """Rules that search the markup look only a bounded way around each hit; these
    pages took seconds when they did not."""
    product = read(f"<html><head>{_TAGGED}</head><body>{body}")
    assert product is not None and product.availability == "InStock"


PRICE_WITHOUT_CURRENCY = '<meta property="og:price:amount" content="1299">'


def test_a_page_of_the_same_number_settles_its_currency_in_bounded_time():
    """The price without a currency, then half a million times the amount without its
    sign: the sign is looked for around a bounded number of them."""
    head = '<meta property="og:type" content="product">' + PRICE_WITHOUT_CURRENCY
    body = "<h1>Mug</h1><p>" + "1 299 " * 500_000 + "</p><p>$1,299</p>"
    product = extract(
        f'<html lang="en-US"><head>{head}</head><body>{body}', "https://shop.example/"
    )
    assert product.price == 1299 and product.currency is None


def test_charset_detection_stays_linear_on_long_ascii_runs():
    """An undeclared page that is not UTF-8, with a long run of ASCII before its first
    other byte: the detector's sample is found in one pass (this took 15 s)."""
    page = b"<title>Caf\xe9</title><script>" + b"a" * 60_000 + b"</script><p>\xff\xfe caf\xe9</p>"
    assert read(page) is None
