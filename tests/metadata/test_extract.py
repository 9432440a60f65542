"""extract(): every syntax, the normalisation rules and the precedence between syntaxes."""

import json
from decimal import Decimal

import pytest

from plugin.metadata import MetadataError, Offer, Product, extract

URL = "https://shop.example/p/mug"


def page(head="", body=""):
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def ld(data):
    text = data if isinstance(data, str) else json.dumps(data)
    return f'<script type="application/ld+json">{text}</script>'


OFFER = {
    "@type": "Offer",
    "price": "1299.00",
    "priceCurrency": "USD",
    "availability": "https://schema.org/InStock",
}


def test_jsonld_product():
    product = extract(
        page(
            ld(
                {
                    "@context": "https://schema.org",
                    "@type": "Product",
                    "name": "Mug",
                    "description": "A &amp; B",
                    "image": ["/a.jpg", {"@type": "ImageObject", "url": "/b.jpg"}],
                    "brand": {"@type": "Brand", "name": "Acme"},
                    "sku": "M-1",
                    "gtin13": "4006381333931",
                    "mpn": "X1",
                    "offers": OFFER,
                }
            )
        ),
        URL,
    )
    assert product.name == "Mug"
    assert product.description == "A & B"
    assert product.images == ["https://shop.example/a.jpg", "https://shop.example/b.jpg"]
    assert product.brand == "Acme" and product.sku == "M-1"
    assert product.gtin == "4006381333931" and product.mpn == "X1"
    assert product.price == Decimal("1299.00") and product.currency == "USD"
    assert product.availability == "InStock"
    assert product.sources["price"] == "json-ld"
    assert product.offers == [
        Offer(sku="M-1", price=Decimal("1299.00"), currency="USD", availability="InStock")
    ]


def test_jsonld_graph_with_references_and_capitalised_keys():
    product = extract(
        page(
            ld(
                {
                    "@context": "https://schema.org",
                    "@graph": [
                        {"@type": "WebPage", "@id": "#page", "mainEntity": {"@id": "#product"}},
                        {
                            "@type": "Product",
                            "@id": "#product",
                            "Name": "Mug",
                            "Offers": {"@id": "#offer"},
                        },
                        {
                            "@type": "Offer",
                            "@id": "#offer",
                            "Price": 12,
                            "PriceCurrency": "eur",
                            "Availability": "http://schema.org/OutOfStock",
                        },
                    ],
                }
            )
        ),
        URL,
    )
    assert product.name == "Mug"
    assert product.price == Decimal(12) and product.currency == "EUR"
    assert product.availability == "OutOfStock"


def test_jsonld_top_level_array_and_nested_product():
    product = extract(
        page(
            ld(
                [
                    {"@type": "BreadcrumbList", "itemListElement": []},
                    {
                        "@type": "ItemPage",
                        "mainEntity": {
                            "@type": ["Product", "Thing"],
                            "name": "Mug",
                            "offers": OFFER,
                        },
                    },
                ]
            )
        ),
        URL,
    )
    assert product.name == "Mug" and product.price == Decimal("1299.00")


def test_jsonld_aggregate_offer_uses_low_price():
    product = extract(
        page(
            ld(
                {
                    "@type": "Product",
                    "name": "Mug",
                    "offers": {
                        "@type": "AggregateOffer",
                        "lowPrice": "9.99",
                        "highPrice": "19.99",
                        "priceCurrency": "GBP",
                        "offerCount": 3,
                    },
                }
            )
        ),
        URL,
    )
    assert product.price == Decimal("9.99") and product.currency == "GBP"
    assert product.to_dict()["price"] == "9.99"


def test_jsonld_price_specification():
    product = extract(
        page(
            ld(
                {
                    "@type": "Product",
                    "name": "Mug",
                    "offers": {
                        "@type": "Offer",
                        "availability": "InStock",
                        "priceSpecification": [
                            {
                                "@type": "UnitPriceSpecification",
                                "priceType": "https://schema.org/ListPrice",
                                "price": 30,
                                "priceCurrency": "EUR",
                            },
                            {
                                "@type": "UnitPriceSpecification",
                                "price": "24.50",
                                "priceCurrency": "EUR",
                            },
                        ],
                    },
                }
            )
        ),
        URL,
    )
    assert product.price == Decimal("24.50") and product.currency == "EUR"
    assert product.list_price == Decimal(30) == product.offers[0].list_price
    assert product.to_dict()["list_price"] == "30.00"


def _offer_with_specifications(*specifications):
    offer = {"@type": "Offer", "price": "24.50", "priceCurrency": "EUR"}
    return page(
        ld(
            {
                "@type": "Product",
                "name": "Mug",
                "offers": {**offer, "priceSpecification": list(specifications)},
            }
        )
    )


@pytest.mark.parametrize(
    ("specification", "list_price"),
    [
        ({"priceType": "StrikethroughPrice", "price": "35"}, Decimal(35)),
        (
            {"priceType": "https://schema.org/MSRP", "price": "39.90", "priceCurrency": "EUR"},
            Decimal("39.90"),
        ),
        # Not above the price, in another currency, or not a list price: none.
        ({"priceType": "ListPrice", "price": "20"}, None),
        ({"priceType": "ListPrice", "price": "40", "priceCurrency": "USD"}, None),
        ({"priceType": "InvoicePrice", "price": "40"}, None),
    ],
)
def test_list_price_is_a_higher_price_before_the_discount(specification, list_price):
    product = extract(_offer_with_specifications(specification), URL)
    assert product.price == Decimal("24.50") and product.list_price == list_price


@pytest.mark.parametrize(
    ("tags", "price", "list_price"),
    [
        ({"product:price:amount": "30", "product:sale_price:amount": "24"}, "24", "30"),
        ({"product:price:amount": "24", "product:original_price:amount": "30"}, "24", "30"),
        ({"product:price:amount": "24", "product:sale_price:amount": "30"}, "24", None),
        ({"product:price:amount": "24"}, "24", None),
    ],
)
def test_open_graph_sale_and_original_prices(tags, price, list_price):
    metas = "".join(f'<meta property="{key}" content="{value}">' for key, value in tags.items())
    html = page(
        '<meta property="og:type" content="product">'
        + metas
        + '<meta property="product:price:currency" content="EUR">'
    )
    product = extract(html, URL)
    assert product.price == Decimal(price)
    assert product.list_price == (Decimal(list_price) if list_price else None)


def test_a_list_price_comes_only_with_the_price_it_belongs_to():
    """JSON-LD gives the price; Open Graph's original price (maybe stale) is not used."""
    html = page(
        '<meta property="og:type" content="product">'
        '<meta property="product:price:amount" content="24.50">'
        '<meta property="product:original_price:amount" content="99">'
        + ld(
            {
                "@type": "Product",
                "name": "Mug",
                "offers": {"@type": "Offer", "price": "24.50", "priceCurrency": "EUR"},
            }
        )
    )
    assert extract(html, URL).list_price is None


def test_product_group_variants():
    product = extract(
        page(
            ld(
                {
                    "@type": "ProductGroup",
                    "name": "Shirt",
                    "productGroupID": "S",
                    "variesBy": ["https://schema.org/color", "https://schema.org/size"],
                    "hasVariant": [
                        {
                            "@type": "Product",
                            "sku": "S-RED-M",
                            "name": "Shirt red M",
                            "color": "Red",
                            "size": "M",
                            "offers": {
                                "@type": "Offer",
                                "price": "20",
                                "priceCurrency": "EUR",
                                "availability": "https://schema.org/OutOfStock",
                            },
                        },
                        {
                            "@type": "Product",
                            "sku": "S-BLUE-M",
                            "color": "Blue",
                            "size": "M",
                            "offers": {
                                "@type": "Offer",
                                "price": "22",
                                "priceCurrency": "EUR",
                                "availability": "https://schema.org/InStock",
                            },
                        },
                    ],
                }
            )
        ),
        URL,
    )
    assert [offer.sku for offer in product.offers] == ["S-RED-M", "S-BLUE-M"]
    assert product.offers[0].attributes == {"color": "Red", "size": "M"}
    # The first buyable variant sets the headline price and availability; the
    # top-level SKU names the product (productGroupID), each offer its variant.
    assert product.sku == "S" and product.price == Decimal(22)
    assert product.availability == "InStock"
    assert product.find_offer("S-RED-M").name == "Shirt red M"
    assert product.find_offer("nope") is None


def test_several_offers_and_additional_property():
    product = extract(
        page(
            ld(
                {
                    "@type": "Product",
                    "name": "Mug",
                    "sku": "M",
                    "offers": [
                        {
                            "@type": "Offer",
                            "sku": "M-S",
                            "price": "5",
                            "priceCurrency": "EUR",
                            "availability": "SoldOut",
                            "itemOffered": {
                                "@type": "Product",
                                "additionalProperty": [
                                    {
                                        "@type": "PropertyValue",
                                        "name": "capacity",
                                        "value": "250 ml",
                                    }
                                ],
                            },
                        },
                        {
                            "@type": "Offer",
                            "sku": "M-L",
                            "price": "7",
                            "priceCurrency": "EUR",
                            "availability": "InStock",
                            "url": "/p/mug?size=l",
                        },
                    ],
                }
            )
        ),
        URL,
    )
    assert product.offers[0].attributes == {"capacity": "250 ml"}
    # Product.sku names the product; the buyable offer "M-L" sets price and stock.
    assert product.sku == "M" and product.price == Decimal(7)
    assert product.availability == "InStock"
    assert product.offers[1].url == "https://shop.example/p/mug?size=l"


@pytest.mark.parametrize(
    "broken",
    [
        '{"@type": "Product", "name": "Mug", "offers": {"price": "3", "priceCurrency": "EUR",},}',
        '<!-- {"@type": "Product", "name": "Mug", '
        '"offers": {"price": "3", "priceCurrency": "EUR"}} -->',
        '// a comment\n{"@type": "Product", /* c */ "name": "Mug", "offers": {"price": "3", '
        '"priceCurrency": "EUR", "url": "https://shop.example/p"}}',
        '{"@type": "Product", "name": "Mu\tg\n", "offers": {"price": "3", "priceCurrency": "EUR"}}',
        '{"@type": "Product", "name": "Mug", "offers": {"price": "3", "priceCurrency": "EUR"}}'
        '{"@type": "Organization", "name": "Acme"}',
    ],
)
def test_broken_jsonld_is_read_leniently(broken):
    product = extract(page(ld(broken)), URL)
    assert product.name.startswith("Mu") and product.price == Decimal(3)


def test_one_broken_block_does_not_hide_others():
    html = page(ld("{not json at all") + ld({"@type": "Product", "name": "Mug", "offers": OFFER}))
    assert extract(html, URL).name == "Mug"


def test_microdata():
    body = """<div itemscope itemtype="https://schema.org/Product">
      <h1 itemprop="name">Mug <small>classic</small></h1>
      <img itemprop="image" src="/mug.jpg">
      <span itemprop="brand" itemscope itemtype="https://schema.org/Brand">
        <span itemprop="name">Acme</span></span>
      <meta itemprop="sku" content="M-1">
      <div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="19.90">19,90 €</span>
        <meta itemprop="priceCurrency" content="EUR">
        <link itemprop="availability" href="https://schema.org/PreOrder">
      </div></div>"""
    product = extract(page(body=body), URL)
    assert product.name == "Mug classic"
    assert product.images == ["https://shop.example/mug.jpg"]
    assert product.brand == "Acme" and product.sku == "M-1"
    assert product.price == Decimal("19.90") and product.currency == "EUR"
    assert product.availability == "PreOrder"
    assert set(product.sources.values()) == {"microdata"}


def test_microdata_itemref():
    """Properties kept elsewhere on the page, by id: a whole item (the offer), plain
    properties (the picture) but not another item's (the review's name)."""
    body = """<div itemscope itemtype="https://schema.org/Product" itemref="offer pictures">
        <h1 itemprop="name">Mug</h1><meta itemprop="sku" content="M-1"></div>
      <p>Lovely mug.</p>
      <div id="pictures"><img itemprop="image" src="/mug.jpg">
        <div itemscope itemtype="https://schema.org/Review"><b itemprop="name">Nice</b></div></div>
      <div id="offer" itemprop="offers" itemscope itemtype="https://schema.org/Offer">
        <span itemprop="price" content="12.50">12,50 €</span>
        <meta itemprop="priceCurrency" content="EUR">
        <link itemprop="availability" href="https://schema.org/InStock"></div>
      <div itemref="no-such-id" itemscope itemtype="https://schema.org/Thing"></div>"""
    product = extract(page(body=body), URL)
    assert (product.name, product.sku) == ("Mug", "M-1")
    assert product.images == ["https://shop.example/mug.jpg"]
    assert (product.price, product.currency, product.availability) == (
        Decimal("12.50"),
        "EUR",
        "InStock",
    )
    assert product.sources["price"] == "microdata"


def test_rdfa_lite():
    body = """<div vocab="https://schema.org/" typeof="Product">
      <span property="name">Mug</span>
      <div property="offers" typeof="Offer">
        <span property="price" content="8.00">8 $</span>
        <meta property="priceCurrency" content="USD">
        <link property="availability" href="https://schema.org/InStock">
      </div></div>"""
    product = extract(page(body=body), URL)
    assert product.name == "Mug" and product.price == Decimal("8.00")
    assert product.availability == "InStock" and product.sources["price"] == "rdfa"


def test_open_graph():
    head = """<meta property="og:type" content="product">
      <meta property="og:title" content="Mug">
      <meta property="og:description" content="Nice mug">
      <meta property="og:image" content="https://cdn.example/1.jpg">
      <meta property="og:image" content="/2.jpg">
      <meta property="og:image:secure_url" content="https://cdn.example/1.jpg">
      <meta property="og:url" content="https://shop.example/p/mug?utm=x">
      <meta property="product:price:amount" content="1.234,56">
      <meta property="product:price:currency" content="eur">
      <meta property="product:availability" content="oos">
      <meta property="product:brand" content="Acme">
      <meta property="product:retailer_item_id" content="M-1">"""
    product = extract(page(head), URL)
    assert product.name == "Mug" and product.description == "Nice mug"
    assert product.images == ["https://cdn.example/1.jpg", "https://shop.example/2.jpg"]
    assert product.url == "https://shop.example/p/mug?utm=x"
    assert product.price == Decimal("1234.56") and product.currency == "EUR"
    assert product.availability == "OutOfStock"
    assert product.brand == "Acme" and product.sku == "M-1"
    assert product.sources["price"] == "opengraph"
    assert product.offers == [
        Offer(
            sku="M-1",
            price=Decimal("1234.56"),
            currency="EUR",
            availability="OutOfStock",
            url=product.url,
        )
    ]


def test_legacy_og_price_tags_in_body_with_name_attribute():
    body = """<meta name="og:price:amount" content="4.50">
      <meta name="og:price:currency" content="GBP">
      <meta name="og:availability" content="instock">"""
    product = extract(page(body=body), URL)
    assert product.price == Decimal("4.50") and product.currency == "GBP"
    assert product.availability == "InStock"


def test_meta_fallbacks():
    head = """<title> Mug  | Shop </title><meta name="description" content="Plain">
      <link rel="canonical" href="/p/mug-canonical">
      <meta name="twitter:label1" content="Price"><meta name="twitter:data1" content="£3.20">
      <meta name="twitter:image" content="https://cdn.example/t.jpg">"""
    product = extract(page(head, '<meta itemprop="sku" content="M-9">'), URL)
    assert product.name == "Mug | Shop" and product.description == "Plain"
    assert product.url == "https://shop.example/p/mug-canonical"
    assert product.price == Decimal("3.20") and product.currency == "GBP"
    assert product.sku == "M-9"
    assert product.images == ["https://cdn.example/t.jpg"]
    assert product.sources["price"] == "meta"


def test_precedence_jsonld_over_microdata_over_og():
    head = """<meta property="og:type" content="product"><meta property="og:title" content="OG">
      <meta property="product:price:amount" content="1"><meta property="og:description" content="D">
      <meta property="product:price:currency" content="EUR">"""
    body = (
        ld({"@type": "Product", "name": "LD", "offers": {"price": "3"}})
        + """
      <div itemscope itemtype="http://schema.org/Product"><span itemprop="name">MD</span>
      <span itemprop="brand">BrandMD</span></div>"""
    )
    product = extract(page(head, body), URL)
    assert product.name == "LD" and product.sources["name"] == "json-ld"
    assert product.price == Decimal(3) and product.sources["price"] == "json-ld"
    assert product.currency == "EUR" and product.sources["currency"] == "opengraph"
    assert product.brand == "BrandMD" and product.sources["brand"] == "microdata"
    assert product.description == "D" and product.sources["description"] == "opengraph"


@pytest.mark.parametrize(
    ("spelling", "expected"),
    [
        ("https://schema.org/InStock", "InStock"),
        ("http://schema.org/InStock", "InStock"),
        ("schema:InStock", "InStock"),
        ("instock", "InStock"),
        ("in stock", "InStock"),
        ("In_Stock", "InStock"),
        ("oos", "OutOfStock"),
        ("out of stock", "OutOfStock"),
        ("https://schema.org/SoldOut", "SoldOut"),
        ("preorder", "PreOrder"),
        ("pre-order", "PreOrder"),
        ("pending", "PreOrder"),
        ("available for order", "BackOrder"),
        ("BackOrder", "BackOrder"),
        ("discontinued", "Discontinued"),
        ("LimitedAvailability", "LimitedAvailability"),
        ("OnlineOnly", "OnlineOnly"),
        ("InStoreOnly", "InStoreOnly"),
        ("PreSale", "PreSale"),
        ("maybe tomorrow", None),
        ("", None),
    ],
)
def test_availability_spellings(spelling, expected):
    head = f"""<meta property="og:type" content="product">
      <meta property="product:availability" content="{spelling}">"""
    assert extract(page(head), URL).availability == expected


@pytest.mark.parametrize(
    ("amount", "currency", "price", "code", "formatted"),
    [
        ("1299.00", "USD", "1299.00", "USD", "1299.00"),
        ("1299", "USD", "1299", "USD", "1299.00"),
        ("$1,299.00", "USD", "1299.00", "USD", "1299.00"),
        ("1.234,56 €", "", "1234.56", "EUR", "1234.56"),
        ("1299", "JPY", "1299", "JPY", "1299"),
        ("12.345", "BHD", "12.345", "BHD", "12.345"),
        ("9.999", "EUR", "9.999", "EUR", "10.00"),
        ("£9.99", "", "9.99", "GBP", "9.99"),
        ("$5", "", "5", None, "5"),
        ("12.50", "XYZ", "12.50", None, "12.50"),
        ("call us", "EUR", None, "EUR", None),
        ("-5", "EUR", None, "EUR", None),
        ("1e999", "EUR", None, "EUR", None),
    ],
)
def test_price_strings(amount, currency, price, code, formatted):
    head = f"""<meta property="og:type" content="product">
      <meta property="product:price:amount" content="{amount}">
      <meta property="product:price:currency" content="{currency}">"""
    product = extract(page(head), URL)
    assert product.price == (Decimal(price) if price else None)
    assert product.currency == code
    assert product.to_dict()["price"] == formatted


def test_jsonld_numbers_are_decimals_never_floats():
    for weird in ("NaN", "Infinity", "1e999", "-3"):
        html = page(ld(f'{{"@type": "Product", "offers": {{"price": {weird}}}}}'))
        assert extract(html, URL).price is None
    product = extract(
        page(ld('{"@type": "Product", "offers": {"price": 0.1, "priceCurrency": "USD"}}')), URL
    )
    assert product.price == Decimal("0.1") and isinstance(product.price, Decimal)


def test_images_absolute_deduplicated_placeholders_skipped():
    product = extract(
        page(
            ld(
                {
                    "@type": "Product",
                    "name": "Mug",
                    "image": [
                        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
                        "/img/placeholder.png",
                        "/img/spacer.gif",
                        "/favicon.ico",
                        "/img/lazy.svg",
                        "/img/mug.jpg",
                        "https://shop.example/img/mug.jpg",
                        "javascript:alert(1)",
                        "//cdn.example/mug-2.jpg",
                        "/img/blank-tshirt.jpg",
                    ],
                    "offers": OFFER,
                }
            )
        ),
        URL,
    )
    assert product.images == [
        "https://shop.example/img/mug.jpg",
        "https://cdn.example/mug-2.jpg",
        "https://shop.example/img/blank-tshirt.jpg",
    ]


def test_base_href_resolves_relative_urls():
    html = page(
        '<base href="https://static.shop.example/x/">',
        ld({"@type": "Product", "image": "a.jpg", "offers": OFFER}),
    )
    assert extract(html, URL).images == ["https://static.shop.example/x/a.jpg"]


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://shop.example/p/mug-canonical", "https://shop.example/p/mug-canonical"),
        ("/p/relative", "https://shop.example/p/relative"),
        ("https://other-shop.example/p/mug", URL),
        ("https://shop.example.evil.com/p/mug", URL),
        ("javascript:alert(1)", URL),
    ],
)
def test_canonical_url_must_stay_on_page_host(canonical, expected):
    head = f"""<meta property="og:type" content="product">
      <meta property="og:url" content="{canonical}">
      <meta property="product:price:amount" content="1">"""
    assert extract(page(head), URL).url == expected


def test_cross_host_jsonld_url_falls_back_to_next_syntax():
    html = page(
        '<link rel="canonical" href="https://shop.example/p/c">',
        ld({"@type": "Product", "url": "https://evil.example/p", "offers": OFFER}),
    )
    product = extract(html, URL)
    assert product.url == "https://shop.example/p/c" and product.sources["url"] == "meta"


def test_latin1_bytes_with_header_encoding():
    html = page(
        '<meta property="og:type" content="product">'
        '<meta property="og:title" content="Crème brûlée">'
    ).encode("latin-1")
    assert extract(html, URL, encoding="ISO-8859-1").name == "Crème brûlée"


def test_meta_charset_and_bom_and_utf8_default():
    title = (
        '<meta property="og:type" content="product"><meta property="og:title" content="Ünïcødé">'
    )
    declared = page('<meta charset="windows-1252">' + title).encode("cp1252")
    assert extract(declared, URL).name == "Ünïcødé"
    bom = b"\xef\xbb\xbf" + page(title).encode("utf-8")
    assert extract(bom, URL, encoding="latin-1").name == "Ünïcødé"
    undeclared = page(title).encode("utf-8")
    assert extract(undeclared, URL).name == "Ünïcødé"
    undeclared_latin = page(title).encode("cp1252")
    assert extract(undeclared_latin, URL).name == "Ünïcødé"


@pytest.mark.parametrize(
    ("name", "charset"),
    [
        ("Холодильник Beko, в наличии, доставка по России", "windows-1251"),
        ("Холодильник Beko - купить в интернет-магазине", "koi8-r"),
        ("ワイヤレスイヤホン 在庫あり 送料無料", "shift_jis"),
        ("ワイヤレスイヤホン 在庫あり", "euc-jp"),
        ("무선 이어폰 블루투스 구매하기 무료배송", "euc-kr"),
        ("无线耳机 蓝牙 有货 立即购买 加入购物车", "gbk"),
        ("無線耳機 藍牙 有貨 立即購買", "big5"),
        ("Ασύρματα ακουστικά σε απόθεμα", "cp1253"),
        ("Pull en laine mérinos à côtes, livré à Besançon", "windows-1252"),
    ],
)
def test_undeclared_charsets_are_detected(name, charset):
    """A page served with its charset only in the HTTP header, saved without it, behind
    the kilobytes of ASCII scripts and styles most pages start with."""
    scripts = '<script>var shop = {"cart": [], "id": 42};</script><link rel="stylesheet">' * 60
    html = page(
        f'{scripts}<meta property="og:type" content="product">'
        f'<meta property="og:title" content="{name}"><title>{name}</title>',
        f"<h1>{name}</h1><p>{name}</p>",
    ).encode(charset)
    assert extract(html, URL).name == name


def test_header_encoding_wins_over_meta():
    html = page(
        '<meta charset="utf-8"><meta property="og:type" content="product">'
        '<meta property="og:title" content="Señor">'
    ).encode("latin-1")
    assert extract(html, URL, encoding="iso-8859-1").name == "Señor"


def test_unknown_charset_labels_fall_back():
    html = page(
        '<meta charset="x-no-such-charset"><meta property="og:type" content="product">'
        '<meta property="og:title" content="Mug">'
    ).encode()
    assert extract(html, URL, encoding="bogus").name == "Mug"
    euc = page(
        '<meta property="og:type" content="product"><meta property="og:title" content="カップ">'
    ).encode("euc_jp")
    assert extract(euc, URL, encoding="euc_jp").name == "カップ"


@pytest.mark.parametrize(
    "html",
    [
        page("<title>Blog post</title>", "<p>No product here</p>"),
        page('<meta property="og:type" content="article">'),
        page(ld({"@type": "Organization", "name": "Acme"})),
        "",
        b"",
        "   ",
        b"\x00\x01\x02\xff\xfe garbage \x00",
        b"\xff\xfe\x00\x00",
        "<<<>>>&&&;;",
        "<?xml version='1.0' encoding='utf-8'?><html/>",
    ],
)
def test_no_product(html):
    with pytest.raises(MetadataError) as caught:
        extract(html, URL)
    assert caught.value.code == "no_product"


def test_huge_and_deeply_nested_input_never_raises_other_errors():
    deep = "<div>" * 50_000 + ld("[" * 5000 + "]" * 5000) + "</div>" * 50_000
    nested_json = ld('{"a":' * 3000 + "1" + "}" * 3000)
    for html in (deep, page(body=nested_json), page(body="<p>x</p>" * 200_000)):
        with pytest.raises(MetadataError):
            extract(html, URL)


def test_to_dict_is_json_serialisable():
    product = extract(
        page(
            ld(
                {
                    "@type": "Product",
                    "name": "Mug",
                    "sku": "M",
                    "offers": {**OFFER, "price": "1299"},
                }
            )
        ),
        URL,
    )
    data = json.loads(json.dumps(product.to_dict()))
    assert list(data) == [
        "url",
        "name",
        "description",
        "images",
        "price",
        "currency",
        "list_price",
        "availability",
        "brand",
        "sku",
        "gtin",
        "mpn",
        "offers",
        "sources",
    ]
    assert data["price"] == "1299.00"
    assert data["offers"] == [
        {
            "sku": "M",
            "name": None,
            "price": "1299.00",
            "currency": "USD",
            "list_price": None,
            "availability": "InStock",
            "url": None,
            "attributes": {},
        }
    ]


def test_product_defaults():
    product = Product(url=URL)
    assert product.to_dict()["price"] is None and product.offers == [] and product.images == []
