"""The merchant tag validator."""

import json
from decimal import Decimal

import pytest

from plugin.metadata import Finding, extract, suggested_tags, validate

URL = "https://shop.example/p/mug"

COMPLETE = """<html><head>
<meta property="og:type" content="product">
<meta property="og:title" content="Mug">
<meta property="og:description" content="A mug">
<meta property="og:url" content="https://shop.example/p/mug">
<meta property="og:image" content="https://cdn.example/mug.jpg">
<meta property="product:price:amount" content="12.00">
<meta property="product:price:currency" content="EUR">
<meta property="product:availability" content="in stock">
<meta property="product:brand" content="Acme">
<meta property="product:retailer_item_id" content="M-1">
<meta name="twitter:card" content="summary_large_image">
<script type="application/ld+json">{"@type": "Product", "name": "Mug",
 "image": "https://cdn.example/mug.jpg", "offers": {"@type": "Offer", "price": "12.00",
 "priceCurrency": "EUR", "availability": "https://schema.org/InStock"}}
</script>
</head><body></body></html>"""


def rules(findings):
    return {finding.rule for finding in findings}


def test_complete_page_has_no_findings():
    assert validate(COMPLETE, URL) == []
    assert validate(COMPLETE.encode(), URL) == []


def test_bare_page_lists_every_missing_tag():
    findings = validate("<html><head><title>Mug</title></head></html>", URL)
    assert {
        "og-title-missing",
        "og-image-missing",
        "og-type-not-product",
        "price-amount-missing",
        "price-currency-missing",
        "availability-missing",
        "jsonld-product-missing",
        "twitter-card-missing",
    } <= rules(findings)
    levels = [finding.level for finding in findings]
    assert levels == sorted(levels, key=lambda level: level != "error")
    card = next(finding for finding in findings if finding.rule == "twitter-card-missing")
    assert card.level == "warning" and card.source == "X cards"
    assert {finding.source for finding in findings} >= {
        "Open Graph",
        "Meta catalog",
        "Pinterest",
        "Google merchant listings",
        "X cards",
    }


def test_price_mismatch_between_og_and_jsonld():
    html = COMPLETE.replace('content="12.00"', 'content="15.00"')
    finding = next(f for f in validate(html, URL) if f.rule == "price-mismatch")
    assert finding.level == "error" and finding.field == "product:price:amount"
    assert "15.00" in finding.message and "12.00" in finding.message


def test_currency_not_iso_4217():
    html = COMPLETE.replace('content="EUR"', 'content="€"')
    found = rules(validate(html, URL))
    assert "currency-not-iso4217" in found
    assert "currency-mismatch" not in found


def test_unknown_availability_and_unreadable_price():
    html = COMPLETE.replace('content="in stock"', 'content="yes"').replace(
        'content="12.00"', 'content="call us"', 1
    )
    assert {"availability-unknown", "price-amount-unreadable"} <= rules(validate(html, URL))


def test_image_not_absolute_https_is_a_warning():
    html = COMPLETE.replace('content="https://cdn.example/mug.jpg"', 'content="/mug.jpg"')
    finding = next(f for f in validate(html, URL) if f.rule == "og-image-not-absolute-https")
    assert finding.level == "warning" and finding.field == "og:image"


def test_jsonld_offer_without_currency_and_availability():
    html = COMPLETE.replace(
        '"priceCurrency": "EUR", "availability": "https://schema.org/InStock"', '"seller": "Acme"'
    )
    found = rules(validate(html, URL))
    assert {"jsonld-currency-missing", "jsonld-availability-missing"} <= found


@pytest.mark.parametrize("html", ["", b"", b"\x00\xff\xfe", "<<<", "<?xml version='1.0'?>"])
def test_bad_html_never_raises(html):
    findings = validate(html, URL)
    assert findings and all(isinstance(finding, Finding) for finding in findings)


def test_finding_to_dict():
    finding = validate("", URL)[0]
    assert set(json.loads(json.dumps(finding.to_dict()))) == {
        "level",
        "field",
        "rule",
        "message",
        "source",
    }


# --- every rule names its source; syntaxes compared; the ready-to-paste block ---------

SOURCES = {"Open Graph", "Meta catalog", "Pinterest", "Google merchant listings", "X cards"}


def test_every_finding_names_a_known_source():
    for html in ("", "<html><head><title>Mug</title></head></html>", COMPLETE):
        assert {finding.source for finding in validate(html, URL)} <= SOURCES


def test_microdata_product_counts_as_structured_data():
    html = (
        COMPLETE.split("<script")[0]
        + """</head><body>
      <div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Mug</span>
      <img itemprop="image" src="https://cdn.example/mug.jpg">
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <meta itemprop="price" content="12.00"><meta itemprop="priceCurrency" content="EUR">
        <link itemprop="availability" href="https://schema.org/InStock"></div></div>
      </body></html>"""
    )
    assert validate(html, URL) == []


def test_open_graph_only_page_is_a_warning_for_google_not_an_error():
    html = COMPLETE.split("<script")[0] + "</head><body></body></html>"
    findings = validate(html, URL)
    assert [(f.level, f.rule, f.source) for f in findings] == [
        ("warning", "jsonld-product-missing", "Google merchant listings")
    ]


def test_availability_mismatch_and_microdata_against_jsonld():
    html = COMPLETE.replace('content="in stock"', 'content="out of stock"').replace(
        "</head><body>",
        """</head><body><div itemscope itemtype="https://schema.org/Product">
        <span itemprop="name">Mug</span><div itemprop="offers" itemscope
        itemtype="https://schema.org/Offer"><meta itemprop="price" content="13.00">
        <meta itemprop="priceCurrency" content="EUR"></div></div>""",
    )
    findings = {f.rule: f for f in validate(html, URL)}
    assert findings["availability-mismatch"].field == "product:availability"
    assert "Open Graph says OutOfStock" in findings["availability-mismatch"].message
    mismatch = [f for f in validate(html, URL) if f.rule == "price-mismatch"]
    assert any("microdata says 13.00" in f.message for f in mismatch)


def test_suggested_tags_from_a_jsonld_page():
    html = (
        "<html><head><script type='application/ld+json'>"
        + json.dumps(
            {
                "@type": "Product",
                "name": 'Mug "<b>',
                "image": "/mug.jpg",
                "sku": "M-1",
                "brand": "Acme & Co",
                "offers": {
                    "price": "12",
                    "priceCurrency": "EUR",
                    "availability": "https://schema.org/PreOrder",
                },
            }
        )
        + "</script></head></html>"
    )
    block = suggested_tags(html, URL)
    assert '<meta property="og:type" content="product">' in block
    assert '<meta property="og:title" content="Mug &quot;&lt;b&gt;">' in block
    assert '<meta property="og:image" content="https://shop.example/mug.jpg">' in block
    assert '<meta property="product:price:amount" content="12.00">' in block
    assert '<meta property="product:availability" content="preorder">' in block
    assert '<meta property="product:brand" content="Acme &amp; Co">' in block
    assert '<meta property="product:retailer_item_id" content="M-1">' in block
    assert "fill in" in block and "og:description" in block
    script = block.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in script and ">" not in script
    data = json.loads(script)
    assert data["offers"]["price"] == "12.00" and data["name"] == 'Mug "<b>'
    # The block is itself a clean page for the validator (bar the description).
    page = f"<html><head>{block}</head><body></body></html>"
    assert {f.rule for f in validate(page, URL)} <= {"og-description-missing"}


def test_suggested_tags_for_a_sale_round_trip():
    """A product on sale: Meta's regular and sale price, Google's strikethrough price;
    read back, the same price and list price."""
    offer = {
        "@type": "Offer",
        "price": "89",
        "priceCurrency": "EUR",
        "priceSpecification": {"priceType": "ListPrice", "price": "109", "priceCurrency": "EUR"},
    }
    html = (
        "<script type='application/ld+json'>"
        + json.dumps({"@type": "Product", "name": "Backpack", "offers": offer})
        + "</script>"
    )
    block = suggested_tags(html, URL)
    assert '<meta property="product:price:amount" content="109.00">' in block
    assert '<meta property="product:sale_price:amount" content="89.00">' in block
    head = f"<html><head>{block}</head><body></body></html>"
    product = extract(head, URL)
    assert (product.price, product.list_price) == (Decimal("89.00"), Decimal("109.00"))
    just_og = head.split("<script")[0] + "</head></html>"
    og_product = extract(just_og, URL)
    assert (og_product.price, og_product.list_price) == (Decimal("89.00"), Decimal("109.00"))
    rules = {f.rule for f in validate(head, URL)}
    assert not rules & {"price-mismatch", "currency-mismatch", "price-amount-unreadable"}


def test_suggested_tags_for_a_page_without_a_product():
    block = suggested_tags("<p>nothing here</p>", URL)
    assert f'content="{URL}"' in block and block.count("fill in") >= 5


@pytest.fixture(scope="module")
def demo_client():
    from plugin import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return app.test_client()


def _demo_findings(client, slug):
    response = client.get(f"/demo/shop/products/{slug}")
    assert response.status_code == 200
    return validate(response.data, f"http://localhost/demo/shop/products/{slug}")


def test_demo_shop_pages_have_no_errors(demo_client):
    from plugin.demo.products import PRODUCTS

    for item in PRODUCTS:
        errors = [f for f in _demo_findings(demo_client, item.slug) if f.level == "error"]
        assert errors == [], item.slug


def test_sloppy_demo_page_shows_every_kind_of_finding(demo_client):
    from plugin.demo.products import SLOPPY

    findings = _demo_findings(demo_client, SLOPPY.slug)
    found = rules(findings)
    assert {finding.level for finding in findings} == {"error", "warning"}
    assert {finding.source for finding in findings} == SOURCES
    assert any(rule.endswith("-missing") for rule in found)  # a tag missing
    assert "currency-not-iso4217" in found  # a value nobody can read
    assert "price-mismatch" in found  # two syntaxes disagree
