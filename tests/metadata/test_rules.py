"""The rules for pages that say little in tags: what they show, product codes, variants,
and the normalisation rules behind them, each on a small page written for the test."""

import json
from decimal import Decimal

import pytest

from plugin.metadata import MetadataError, extract, normalize
from plugin.metadata.syntaxes.address import product_id
from plugin.metadata.syntaxes.schemaorg import code_in_url

URL = "https://shop.example/p/mug"


def page(body="", head="<title>Mug | Shop</title>"):
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def ld(data):
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


BUY = '<button id="add-to-cart-button">Add to cart</button>'


# --- what the page shows: price ------------------------------------------------------


def test_visible_price_after_the_heading_with_a_buy_button():
    html = page(
        '<div class="mini-cart-price">€ 0,00</div><h1>Mug</h1>'
        '<span class="price">19,90 €</span>' + BUY
    )
    product = extract(html, URL)
    assert product.price == Decimal("19.90") and product.currency == "EUR"
    assert product.sources["price"] == "visible"
    assert product.offers[0].price == Decimal("19.90")


def test_visible_price_skips_old_crossed_out_and_other_products_prices():
    html = page(
        "<h1>Mug</h1>"
        '<span class="price price--old">€ 30</span>'
        '<del><span class="price">€ 28</span></del>'
        '<div class="price-box">€ 30 € 24</div>'
        '<span class="price price-current">€ 24</span>'
        '<div class="carousel"><span class="price">€ 2</span></div>' + BUY
    )
    assert extract(html, URL).price == Decimal(24)


def test_visible_price_in_carousel_is_not_the_product_price():
    html = page('<h1>Mug</h1><div class="related-products"><span class="price">$5</span></div>')
    with pytest.raises(MetadataError):
        extract(html + BUY, URL)


@pytest.mark.parametrize(
    ("shown", "amount"),
    [("$87.11", "87.11"), ("44 890 тг.", "44890"), ("270,00 Kn", "270.00"), ("£1,299", "1299")],
)
def test_visible_price_needs_a_currency_sign_or_word(shown, amount):
    html = page(f'<h1>Mug</h1><span id="priceblock">{shown}</span>' + BUY)
    assert extract(html, URL).price == Decimal(amount)


@pytest.mark.parametrize(
    ("shown", "amount"),
    [
        ("$229<span class='cents'>99</span>", "229.99"),
        ("173<sup>34</sup> <span>Lei</span>", "173.34"),
        ("1.234<sup>56</sup> €", "1234.56"),
        ("1 299 Kč", "1299"),
        ("12<sup>50</sup>&nbsp;€", "12.50"),
    ],
)
def test_cents_printed_apart_are_cents(shown, amount):
    html = page(f'<h1>Mug</h1><p class="product-new-price">{shown}</p>' + BUY)
    assert extract(html, URL).price == Decimal(amount)


def test_a_bare_number_labelled_price_is_not_a_price():
    html = page('<h1>Mug</h1><span class="price">12</span>' + BUY)
    with pytest.raises(MetadataError):
        extract(html, URL)


def test_a_price_without_a_buy_button_or_stock_is_not_a_product():
    with pytest.raises(MetadataError):
        extract(page('<h1>Blog post</h1><span class="price">€ 5</span>'), URL)


def test_the_product_heading_is_the_one_the_title_repeats():
    html = page(
        '<h1>Adding to cart…</h1><span class="price">€ 1</span>'
        '<h1>Mug</h1><span class="price">€ 9</span>' + BUY
    )
    assert extract(html, URL).price == Decimal(9)


def test_tagged_price_wins_over_the_visible_one():
    html = page(
        ld({"@type": "Product", "name": "Mug", "offers": {"price": "7", "priceCurrency": "EUR"}})
        + '<h1>Mug</h1><span class="price">€ 9</span>'
        + BUY
    )
    product = extract(html, URL)
    assert product.price == Decimal(7) and product.sources["price"] == "json-ld"


# --- what the page shows: stock ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Currently unavailable.", "OutOfStock"),
        ("Derzeit nicht verfügbar.", "OutOfStock"),
        ("Actuellement indisponible.", "OutOfStock"),
        ("Non disponibile.", "OutOfStock"),
        ("Sold out", "OutOfStock"),
        ("This item cannot be purchased online.", "OutOfStock"),
        ("Momentálne nie je možné produkt kúpiť", "OutOfStock"),
        ("Derzeit nicht bestellbar", "OutOfStock"),
        ("Нет в наличии", "OutOfStock"),
        ("In Stock.", "InStock"),
        ("Auf Lager", "InStock"),
        ("Disponible", "InStock"),
        ("Call us", None),
    ],
)
def test_visible_stock_phrases(text, expected):
    html = page(f'<h1>Mug</h1><div id="availability">{text}</div><span class="price">$5</span>')
    if expected is None:
        with pytest.raises(MetadataError):
            extract(html, URL)
    else:
        assert extract(html, URL).availability == expected


def test_stock_templates_named_for_one_state_are_ignored():
    html = page(
        '<h1>Mug</h1><span class="unavailable-label">Product unavailable</span>'
        '<div class="outOfStock">Out of stock</div>'
        '<div class="availability">In stock</div><span class="price">$5</span>'
    )
    assert extract(html, URL).availability == "InStock"


def test_out_of_stock_page_without_price_is_still_a_product():
    html = page('<h1>Mug</h1><div id="availability">Currently unavailable.</div>')
    product = extract(html, URL)
    assert product.availability == "OutOfStock" and product.price is None
    assert product.offers == []


# --- product codes -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("markup", "code"),
    [
        ("<p>SKU: MUG-1</p>", "MUG-1"),
        ("<table><tr><th>ASIN</th><td>B01GOH7PKA</td></tr></table>", "B01GOH7PKA"),
        ("<li><strong>Product Code - </strong>39139301</li>", "39139301"),
        ("<p class='postinginfo'>post id: 7235216655</p>", "7235216655"),
        ('<span class="element-article">Код: 01245</span>', "01245"),
        ("<li><strong>Šifra:</strong> 0638</li>", "0638"),
        ("<div>Bestellnummer</div>\n<div>106606</div>", "106606"),
        ("<span>Art.-Nr.: 12-345</span>", "12-345"),
        ("<span>ASIN &rlm; : &lrm; </span><span>B07FW264WL</span>", "B07FW264WL"),
    ],
)
def test_labelled_product_codes(markup, code):
    html = page(f'<h1>Mug</h1><span class="price">€ 5</span>{BUY}{markup}')
    product = extract(html, URL)
    assert product.sku == code and product.sources["sku"] == "visible"


def test_strong_label_beats_a_generic_reference_before_it():
    html = page(f"<h1>Mug</h1><span class='price'>€ 5</span>{BUY}<p>Référence QB737</p>"
                "<p>SKU: MUG-1</p>")  # fmt: skip
    assert extract(html, URL).sku == "MUG-1"


def test_generic_reference_when_nothing_stronger():
    html = page(f"<h1>Mug</h1><span class='price'>€ 5</span>{BUY}<p>Ref. AB-123</p>")
    assert extract(html, URL).sku == "AB-123"


def test_codes_need_a_digit_and_a_label_word_not_part_of_another():
    html = page(
        f"<h1>Mug</h1><span class='price'>€ 5</span>{BUY}<p>SKU: none</p>"
        "<div class='lasku_2'>LASKU2</div><p>Skus are listed below</p>"
    )
    assert extract(html, URL).sku is None


def test_printed_code_beats_variant_skus_of_structured_data():
    offers = [
        {"@type": "Offer", "sku": f"84518927-040-{size}", "price": "69.95", "priceCurrency": "EUR"}
        for size in (35, 36)
    ]
    html = page(
        ld({"@type": "Product", "name": "Boots", "offers": offers})
        + '<h1>Boots</h1><span data-qa-qualifier="product-reference">1002/710</span>'
    )
    assert extract(html, URL).sku == "1002/710"


def test_an_element_named_for_the_code_counts_near_the_heading_only():
    """With one offer too (its SKU names a colour and size, not the product); an element
    of that name far down the page (a description's template) does not count."""
    offer = {"@type": "Offer", "sku": "56256011-999-99", "price": "20", "priceCurrency": "EUR"}
    named = (
        '<p class="product-color"><span data-qa-qualifier="product-reference">0210/088</span></p>'
    )
    near = page(
        ld({"@type": "Product", "name": "Seoul", "offers": offer}) + "<h1>Seoul</h1>" + named
    )
    assert extract(near, URL).sku == "0210/088"
    far = near.replace(named, "<p>" + "Notes. " * 12_000 + "</p>" + named)
    assert extract(far, URL).sku == "56256011-999-99"


# --- structured data: which sku is the product's -------------------------------------


def test_product_sku_then_product_id_then_code_in_url_then_offer_sku():
    offer = {"@type": "Offer", "sku": "V-1", "price": "5", "priceCurrency": "EUR"}
    assert extract(page(ld({"@type": "Product", "sku": "P", "offers": offer})), URL).sku == "P"
    assert (
        extract(page(ld({"@type": "Product", "productID": "4781720", "offers": offer})), URL).sku
        == "4781720"
    )
    assert extract(page(ld({"@type": "Product", "offers": offer})), URL).sku == "V-1"
    url = "https://shop.example/superdry-puffer-su221u09p-e11.html"
    variant = {**offer, "sku": "SU221U09P-E110XXS000"}
    product = extract(page(ld({"@type": "Product", "offers": variant})), url)
    assert product.sku == "SU221U09P-E11"
    assert product.offers[0].sku == "SU221U09P-E110XXS000"


@pytest.mark.parametrize(
    ("sku", "url", "expected"),
    [
        ("SU221U09P-E110XXS000", "https://s.example/x-su221u09p-e11.html", "SU221U09P-E11"),
        ("ABC12-RED-M", "https://s.example/p/abc12", "ABC12"),
        ("ABC12-RED-M", "https://s.example/p/abc123", None),
        ("ABC12-RED-M", "https://s.example/p?id=abc12", None),
        ("AB-1", "https://s.example/p/ab", None),
        ("84518927-040-35", "https://s.example/p11002710.html?v1=84518927", None),
    ],
)
def test_code_in_url(sku, url, expected):
    assert code_in_url(sku, url) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://deals.example/deal/4548094738", "4548094738"),
        ("https://s.example/store/122725?pid=260591", "260591"),
        ("https://s.example/p.php?productId=AB-1234", "AB-1234"),
        ("https://s.example/pc/anpix-redukcia-na-pci-e-4x-114768289", "114768289"),
        ("https://s.example/product-detail/Garlic-Press_62320522213.htm", "62320522213"),
        ("https://s.example/ad/7235216655.html", "7235216655"),
        # Sizes, counts and words are not ids; neither is another parameter's number.
        ("https://s.example/p/glasses-330-ml-6-pack", None),
        ("https://s.example/p/socks-500", None),
        ("https://s.example/p/mug?page=12345", None),
        ("https://s.example/p/mug?id=12", None),
        ("https://s.example/", None),
        ("https://[::1/p/123456", None),
    ],
)
def test_product_id_in_the_address(url, expected):
    assert product_id(url) == expected


def test_the_address_gives_the_sku_only_when_nothing_else_does():
    offer = {"@type": "Offer", "price": "5", "priceCurrency": "EUR"}
    url = "https://shop.example/deal/4548094738"
    product = extract(page(ld({"@type": "Product", "offers": offer})), url)
    assert (product.sku, product.sources["sku"]) == ("4548094738", "url")
    tagged = extract(page(ld({"@type": "Product", "sku": "MUG-1", "offers": offer})), url)
    assert (tagged.sku, tagged.sources["sku"]) == ("MUG-1", "json-ld")
    printed = extract(page(ld({"@type": "Product", "offers": offer}) + "<p>SKU: PR-77</p>"), url)
    assert printed.sku == "PR-77"


def test_sizes_listed_as_separate_products_are_variants_of_one():
    def size(number, availability):
        return {
            "@type": "Product",
            "name": "Boots",
            "sku": f"B-{number}",
            "offers": {
                "@type": "Offer",
                "price": "69.95",
                "priceCurrency": "EUR",
                "availability": f"https://schema.org/{availability}",
            },
        }

    html = page(ld(size(35, "OutOfStock")) + ld(size(36, "InStock")) + ld(size(37, "OutOfStock")))
    product = extract(html, URL)
    assert [offer.sku for offer in product.offers] == ["B-35", "B-36", "B-37"]
    assert product.availability == "InStock" and product.offers[1].availability == "InStock"


# --- normalisation rules -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "hint", "amount"),
    [
        ("3.350", None, "3.350"),  # a plain number: schema.org's decimal point
        ("140.000", "CLP", "140000"),  # no decimals in pesos: a thousands separator
        ("140.000", "EUR", "140.000"),
        ("BD 3.350", "BHD", "3.350"),  # three decimals in dinars
        ("3.350 Kč", None, "3350"),
        ("1,500", "KWD", "1.500"),
        ("1,500", "USD", "1500"),
        ("1.234,56 €", None, "1234.56"),
        ("$1,299.00", None, "1299.00"),
    ],
)
def test_ambiguous_separators_are_decided_by_the_currency(value, hint, amount):
    assert normalize.price(value, hint)[0] == Decimal(amount)


def test_og_price_uses_its_currency_to_read_the_amount():
    head = """<meta property="og:type" content="product">
      <meta property="product:price:amount" content="140.000">
      <meta property="product:price:currency" content="CLP">"""
    product = extract(page(head=head), URL)
    assert product.price == Decimal(140000) and product.to_dict()["price"] == "140000"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("$5", True), ("5 kr", True), ("EUR 5", True), ("44 890 тг.", True), ("5", False)],
)
def test_has_currency_sign(text, expected):
    assert normalize.has_currency_sign(text) is expected


# --- rules added for pages whose tags leave a question the page answers ---------------


def test_bare_og_price_is_read_when_no_amount_tag():
    html = page(head='<title>Set</title><meta property="og:price" content="2,900원~">')
    product = extract(html, URL)
    assert product.price == Decimal(2900) and product.currency == "KRW"
    assert product.sources["price"] == "opengraph"


def test_og_price_amount_beats_bare_og_price():
    head = (
        '<meta property="og:price" content="9">'
        '<meta property="product:price:amount" content="7">'
        '<meta property="product:price:currency" content="EUR">'
    )
    assert extract(page(head=head), URL).price == Decimal(7)


@pytest.mark.parametrize(
    ("symbol", "code"), [("원", "KRW"), ("円", "JPY"), ("₩", "KRW"), ("$", None)]
)
def test_currency_words_that_name_one_currency(symbol, code):
    assert normalize.price(f"1,500{symbol}")[1] == code


def test_price_written_as_an_object_is_read_from_its_sale_value():
    offers = {
        "@type": "AggregateOffer",
        "lowPrice": {"sales": {"value": 3499, "formatted": "$3.499"}, "list": None},
        "highPrice": {"sales": {"value": 4059}, "list": None},
        "priceCurrency": "ARS",
    }
    product = extract(page(ld({"@type": "Product", "name": "Boots", "offers": offers})), URL)
    assert product.price == Decimal(3499)
    single = {"@type": "Offer", "price": {"value": "12.50"}, "priceCurrency": "EUR"}
    assert extract(page(ld({"@type": "Product", "offers": single})), URL).price == Decimal("12.50")


def test_stock_statement_text_leaves_out_scripts_inside_it():
    script = "<script>" + "var x = 1;" * 50 + "</script>"
    html = page(f'<h1>Mug</h1><div id="availability">{script}Available from these sellers.</div>')
    assert extract(html, URL).availability == "InStock"


@pytest.mark.parametrize("wrapper", ["nav", "aside", 'div role="navigation"'])
def test_a_heading_in_the_navigation_is_not_the_products(wrapper):
    closing = wrapper.split()[0]
    html = page(
        f"<{wrapper}><h1>Health services</h1></{closing}>"
        '<span class="price">€ 1</span>'
        '<h1>Insoles</h1><span class="price">€ 270</span>' + BUY,
        head="<title>Clinic - health for all</title>",
    )
    product = extract(html, URL)
    assert product.price == Decimal(270)


def _auction(shown):
    return page(
        '<meta property="product:price:amount" content="200">'
        '<meta property="product:price:currency" content="USD">'
        + ld({"@type": "Product", "name": "Bag", "offers": {"price": 150, "priceCurrency": "USD"}})
        + f'<h1>Bag</h1><span class="price">{shown}</span><span class="bids">2 bids</span>'
    )


def test_when_tagged_prices_disagree_the_shown_one_wins():
    product = extract(_auction("$200"), URL)
    assert product.price == Decimal(200) and product.sources["price"] == "opengraph"
    assert product.offers[0].price == Decimal(200)


def test_when_tagged_prices_disagree_and_the_page_shows_neither_precedence_holds():
    product = extract(_auction("$180"), URL)
    assert product.price == Decimal(150) and product.sources["price"] == "json-ld"


def _out_of_stock_tag(button):
    offer = {"@type": "Offer", "price": "136", "priceCurrency": "GBP", "availability": "OutOfStock"}
    product = ld({"@type": "Product", "name": "Boot", "offers": offer})
    return page(product + "<h1>Boot</h1>" + button)


def test_a_working_buy_button_overrides_a_tagged_out_of_stock():
    product = extract(_out_of_stock_tag('<button id="add-to-basket-button">Add</button>'), URL)
    assert product.availability == "InStock" and product.sources["availability"] == "visible"


@pytest.mark.parametrize(
    "button",
    [
        '<button class="add-to-cart" disabled>Add to cart</button>',
        '<button class="add-to-cart" aria-disabled="true">Add to cart</button>',
        '<button class="add-to-cart btn--disabled">Add to cart</button>',
        '<button class="add-to-cart">Sold out</button>',
        '<input type="submit" class="add-to-cart" value="Out of stock">',
        '<div class="related-products"><button class="add-to-cart">Add</button></div>',
        '<a class="add-to-cart" href="/cart">Add</a>',
        "",
    ],
)
def test_tagged_out_of_stock_stays_without_a_working_buy_button(button):
    assert extract(_out_of_stock_tag(button), URL).availability == "OutOfStock"


def _in_stock_tag(shown):
    offer = {"@type": "Offer", "price": "54.50", "priceCurrency": "EUR", "availability": "InStock"}
    product = ld({"@type": "Product", "name": "Weather station", "offers": offer})
    return page(product + "<h1>Weather station</h1>" + shown)


STATEMENT = (
    '<ul class="availability-box"><li><strong>Momentálne nie je možné produkt kúpiť, '
    "ale je možné ho rezervovať</strong></li></ul>"
)


@pytest.mark.parametrize(
    "button",
    [
        '<button class="product-cta__to-basket" type="submit" disabled value="Do košíka">',
        '<button class="add-to-cart" disabled="disabled">Add to cart</button>',
        '<button class="add-to-cart" disabled>Add to cart</button>',
        '<input type="submit" class="btn btn-buy" value="Buy now" disabled>',
        '<button class="add-to-cart" aria-disabled="true">Add to cart</button>',
    ],
)
def test_a_disabled_buy_button_and_a_stock_statement_overrule_a_tagged_in_stock(button):
    product = extract(_in_stock_tag(STATEMENT + button), URL)
    assert (product.availability, product.sources["availability"]) == ("OutOfStock", "visible")
    assert product.offers[0].availability == "OutOfStock"


@pytest.mark.parametrize(
    "shown",
    [
        # Disabled until a size is chosen, and no statement that it cannot be bought.
        '<select name="size"><option>M</option></select>'
        '<button class="add-to-cart" disabled>Add to cart</button>',
        # A statement without a disabled button: the tags stand.
        STATEMENT + '<button class="add-to-cart">Add to cart</button>',
        STATEMENT + '<button class="add-to-cart" aria-disabled="false">Add to cart</button>',
        # A disabled control that is not a buy button.
        STATEMENT + '<button class="newsletter" disabled>Subscribe</button>',
    ],
)
def test_a_tagged_in_stock_stands_without_both_signs(shown):
    product = extract(_in_stock_tag(shown), URL)
    assert (product.availability, product.sources["availability"]) == ("InStock", "json-ld")


# --- product data in the shop's own scripts -------------------------------------------


def _scripted(script: str, heading: str = "Trail Backpack 18L", shown: str = "") -> str:
    return page(
        f"<h1>{heading}</h1>{shown}<script>{script}</script>",
        head=f"<title>{heading} | Ridgeline</title>",
    )


def test_an_analytics_data_layer_gives_price_currency_and_code():
    data = {
        "event": "view_item",
        "ecommerce": {
            "currencyCode": "EUR",
            "impressions": [{"name": "Trail Socks", "price": "9.00"}],
            "detail": {
                "products": [
                    {
                        "name": "Trail Backpack 18L",
                        "id": "RL-TR18",
                        "price": "89.00",
                        "brand": "Ridgeline",
                    }
                ]
            },
        },
    }
    product = extract(_scripted(f"dataLayer.push({json.dumps(data)});"), URL)
    assert (product.price, product.currency, product.sku) == (Decimal("89.00"), "EUR", "RL-TR18")
    assert product.sources["price"] == "script" and product.brand == "Ridgeline"


def test_shopify_product_json_counts_in_cents_and_takes_the_first_available_variant():
    data = {
        "id": 1,
        "title": "Trail Backpack 18L",
        "handle": "trail-backpack",
        "vendor": "Ridgeline",
        "variants": [
            {"id": 2, "sku": "RL-TR18-S", "price": 8900, "available": False},
            {"id": 3, "sku": "RL-TR18-L", "price": 9400, "available": True},
        ],
    }
    html = page(
        '<h1>Trail Backpack 18L</h1><script type="application/json" data-product-json>'
        + json.dumps(data)
        + "</script>"
    )
    product = extract(html, URL)
    assert (product.price, product.sku, product.availability) == (
        Decimal("94.00"),
        "RL-TR18-L",
        "InStock",
    )


def test_an_assigned_state_object_with_a_stock_flag():
    data = {
        "product": {
            "title": "Trail Backpack 18L",
            "price": 89,
            "currency": "EUR",
            "in_stock": False,
        }
    }
    product = extract(_scripted(f"window.__STATE__ = {json.dumps(data)};"), URL)
    assert (product.price, product.currency, product.availability) == (
        Decimal(89),
        "EUR",
        "OutOfStock",
    )


@pytest.mark.parametrize(
    "script",
    [
        # Another product's data (a recommendation), not the page's.
        'var recommended = {"name": "Trail Socks", "price": "9.00"};',
        # Not JSON (unquoted keys): not read.
        "var product = {name: 'Trail Backpack 18L', price: 89};",
        # No price.
        'var product = {"name": "Trail Backpack 18L"};',
    ],
)
def test_scripts_that_do_not_price_the_page_product_are_not_read(script):
    with pytest.raises(MetadataError):
        extract(_scripted(script), URL)


def test_tagged_and_shown_prices_come_before_scripts():
    script = 'var product = {"name": "Trail Backpack 18L", "price": "1.00", "currency": "EUR"};'
    offer = {"@type": "Offer", "price": "89", "priceCurrency": "EUR"}
    tagged = extract(_scripted(script, shown=ld({"@type": "Product", "offers": offer})), URL)
    assert (tagged.price, tagged.sources["price"]) == (Decimal(89), "json-ld")
    shown = extract(_scripted(script, shown='<span class="price">€89.00</span>' + BUY), URL)
    assert (shown.price, shown.sources["price"]) == (Decimal("89.00"), "visible")


def test_scripts_give_the_code_when_nothing_else_does():
    """Tagged price, no code anywhere, not even in the address: the data layer has it."""
    offer = {"@type": "Offer", "price": "109", "priceCurrency": "EUR"}
    data = {"name": "Trail Backpack 18L", "price": "109.00", "sku": "1236291"}
    html = _scripted(
        f"dataLayer.push({json.dumps(data)});", shown=ld({"@type": "Product", "offers": offer})
    )
    product = extract(html, "https://shop.example/products/trail-backpack")
    assert (product.sku, product.sources["sku"], product.price) == ("1236291", "script", 109)


def test_a_script_full_of_objects_that_never_parse_is_given_up_on(monkeypatch):
    """Each failed attempt costs time in proportion to where it fails: they are capped,
    so a hostile script costs linear time, not quadratic."""
    from plugin.metadata.syntaxes import jsonld

    attempts = []
    decode = jsonld.DECODER.raw_decode

    def counted(text, start):
        attempts.append(start)
        return decode(text, start)

    monkeypatch.setattr(jsonld.DECODER, "raw_decode", counted)
    hostile = '({"name": "Trail Backpack 18L", "price": 1, "next": ' * 20_000
    with pytest.raises(MetadataError):
        extract(_scripted(f"var state = {hostile}"), URL)
    assert 0 < len(attempts) <= 100


# --- brand ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "brand"),
    [
        ("Ver mais artigos da Marca: Panasonic", "Panasonic"),
        ("Brand:  Bosch", "Bosch"),
        ("Bosch", "Bosch"),
        ("https://brand.example/bosch", "https://brand.example/bosch"),
        ("Brand:", "Brand:"),  # nothing after the label: keep what is there
    ],
)
def test_a_label_before_the_brand_is_not_the_brand(written, brand):
    assert normalize.brand(written) == brand


def test_a_labelled_brand_element_gives_the_name():
    """As mediamarkt.pt marks it up: the label inside the element that carries brand."""
    html = page(
        '<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Mug</h1>'
        '<h5 itemprop="brand"><span>Ver mais artigos da Marca: </span><a>Panasonic</a></h5>'
        '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
        '<meta itemprop="price" content="5"><meta itemprop="priceCurrency" content="EUR">'
        "</div></div>"
    )
    assert extract(html, URL).brand == "Panasonic"
