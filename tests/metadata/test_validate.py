"""The merchant tag validator."""

import json

import pytest

from plugin.metadata import Finding, validate

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
