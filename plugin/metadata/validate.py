"""The merchant tag validator: what a product page lacks for each place it is shared.

Each finding names whose requirement it is (Open Graph, Meta catalog, Pinterest,
Google merchant listings, X cards), so a merchant can tell a hard error for the
feeds they care about from a nice-to-have. Three kinds of finding:

* a tag or property that is missing (``…-missing``);
* a value no consumer can read (``currency-not-iso4217``, ``price-amount-unreadable``,
  ``availability-unknown``, ``og-image-not-absolute-https``);
* syntaxes that disagree (``price-mismatch``, ``currency-mismatch``,
  ``availability-mismatch``): Open Graph, JSON-LD, microdata and RDFa compared.

Errors stop a product from being read or listed as for sale; warnings cost reach
on one destination. Structured data (JSON-LD, microdata or RDFa) missing altogether
is a warning: Open Graph product tags alone make a shareable, sellable card, only
Google's merchant listings need more.

``suggested_tags`` turns what was found into a ready-to-paste block of tags.
"""

import html as html_escaping
import json
from dataclasses import asdict, dataclass

from lxml import etree

from plugin import money
from plugin.metadata import normalize
from plugin.metadata.errors import MetadataError
from plugin.metadata.extract import extract, parse
from plugin.metadata.product import Product, price_str
from plugin.metadata.syntaxes import jsonld, microdata, opengraph, rdfa
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

# (tag, level, rule, source, why it matters) for tags whose absence is the whole problem.
_REQUIRED_OG = (
    ("og:title", "error", "og-title-missing", "Open Graph", "feeds show it as the card title"),
    ("og:image", "error", "og-image-missing", "Open Graph", "feeds show no picture without it"),
    (
        "product:price:amount",
        "error",
        "price-amount-missing",
        "Pinterest",
        "product pins and ogstore cards show this price",
    ),
    (
        "product:price:currency",
        "error",
        "price-currency-missing",
        "Pinterest",
        "a price means nothing without its ISO 4217 currency",
    ),
    (
        "product:availability",
        "error",
        "availability-missing",
        "Meta catalog",
        "catalogs hide items whose stock is unknown",
    ),
    ("og:description", "warning", "og-description-missing", "Meta catalog", "catalogs need it"),
    ("og:url", "warning", "og-url-missing", "Meta catalog", "it names the canonical page"),
    ("product:brand", "warning", "brand-missing", "Meta catalog", "catalog items need a brand"),
    (
        "product:retailer_item_id",
        "warning",
        "retailer-item-id-missing",
        "Meta catalog",
        "it is the item's ID (SKU) in the catalog",
    ),
)


@dataclass
class Finding:
    """One problem with a page's tags, and how to fix it."""

    level: str
    field: str
    rule: str
    message: str
    source: str

    def to_dict(self) -> dict:
        return asdict(self)


def validate(html: str | bytes, url: str) -> list[Finding]:
    """Findings for the page ``html`` served at ``url``: errors first, then warnings."""
    try:
        document = parse(html)
    except (etree.LxmlError, ValueError, LookupError, TypeError):
        return [
            Finding(
                "error",
                "html",
                "html-unreadable",
                "The page could not be read as HTML.",
                "Open Graph",
            )
        ]
    page = Page(document, url)
    tags = opengraph.collect(page)
    readings = _structured_readings(page)
    structured = readings[0] if readings else None
    og_reading = _safe(opengraph.read, page)
    findings = [
        *_open_graph_findings(tags),
        *_structured_data_findings(structured),
        *_consistency_findings([*readings, *([og_reading] if og_reading else [])]),
    ]
    if not any((meta.get("name") or "").lower() == "twitter:card" for meta in page.metas):
        findings.append(
            Finding(
                "warning",
                "twitter:card",
                "twitter-card-missing",
                'Add <meta name="twitter:card" content="summary_large_image"> so X shows a '
                "large card instead of a bare link.",
                "X cards",
            )
        )
    return sorted(findings, key=lambda finding: finding.level != "error")


def _open_graph_findings(tags: dict[str, list[str]]) -> list[Finding]:
    findings = [
        Finding(level, tag, rule, f'Add <meta property="{tag}" content="…">: {why}.', source)
        for tag, level, rule, source, why in _REQUIRED_OG
        if not any(value.strip() for value in tags.get(tag, []))
    ]
    og_type = (tags.get("og:type") or [""])[0].strip().lower()
    if og_type != "product":
        findings.append(
            Finding(
                "error",
                "og:type",
                "og-type-not-product",
                f'Set <meta property="og:type" content="product"> (now "{og_type or "missing"}") '
                "so the page is read as a product.",
                "Pinterest",
            )
        )
    for currency in tags.get("product:price:currency", [])[:1]:
        if currency.strip() and not money.is_currency(currency.strip()):
            findings.append(
                Finding(
                    "error",
                    "product:price:currency",
                    "currency-not-iso4217",
                    f'"{currency}" is not an ISO 4217 code; write the three upper-case letters '
                    'such as "EUR" or "USD".',
                    "Meta catalog",
                )
            )
    for amount in tags.get("product:price:amount", [])[:1]:
        if amount.strip() and normalize.price(amount.strip())[0] is None:
            findings.append(
                Finding(
                    "error",
                    "product:price:amount",
                    "price-amount-unreadable",
                    f'"{amount}" is not a price; write a plain number such as "1299.00".',
                    "Meta catalog",
                )
            )
    for availability in tags.get("product:availability", [])[:1]:
        if availability.strip() and normalize.availability(availability) is None:
            findings.append(
                Finding(
                    "error",
                    "product:availability",
                    "availability-unknown",
                    f'"{availability}" is not a known availability; use "in stock", '
                    '"out of stock", "preorder", "available for order" or "discontinued".',
                    "Meta catalog",
                )
            )
    for image in tags.get("og:image", []):
        if not image.strip().lower().startswith("https://"):
            findings.append(
                Finding(
                    "warning",
                    "og:image",
                    "og-image-not-absolute-https",
                    f'Image "{image}" should be an absolute https:// URL; feeds skip relative '
                    "and insecure images.",
                    "Open Graph",
                )
            )
    return findings


_SYNTAX_NAMES = {"json-ld": "JSON-LD", "microdata": "microdata", "rdfa": "RDFa"}
_SYNTAX_NAMES |= {"opengraph": "Open Graph"}


def _safe(read, page: Page) -> Reading | None:
    try:
        return read(page)
    except Exception:  # a validator reports what it can rather than fail on odd markup
        return None


def _structured_readings(page: Page) -> list[Reading]:
    """The schema.org Product of each syntax that has one, JSON-LD first."""
    return [
        reading
        for read in (jsonld.read, microdata.read, rdfa.read)
        if (reading := _safe(read, page)) is not None
    ]


def _structured_data_findings(structured: Reading | None) -> list[Finding]:
    source = "Google merchant listings"
    if structured is None:
        return [
            Finding(
                "warning",
                "JSON-LD Product",
                "jsonld-product-missing",
                'Add a <script type="application/ld+json"> Product with name, image and an '
                "Offer (price, priceCurrency, availability): Google lists products for sale "
                "only from structured data (JSON-LD, microdata or RDFa).",
                source,
            )
        ]
    syntax = _SYNTAX_NAMES.get(structured.syntax, structured.syntax)
    missing = (
        ("name", structured.name, "jsonld-name-missing", "the product's name"),
        ("image", structured.images, "jsonld-image-missing", "at least one absolute image URL"),
        ("offers.price", structured.price, "jsonld-price-missing", "a number such as 1299.00"),
        (
            "offers.priceCurrency",
            structured.currency,
            "jsonld-currency-missing",
            "an ISO 4217 code such as EUR",
        ),
        (
            "offers.availability",
            structured.availability,
            "jsonld-availability-missing",
            "a schema.org value such as https://schema.org/InStock",
        ),
    )
    return [
        Finding(
            "error",
            field,
            rule,
            f"The {syntax} Product needs {field}: {what}.",
            source,
        )
        for field, value, rule, what in missing
        if not value
    ]


def _consistency_findings(readings: list[Reading]) -> list[Finding]:
    """Syntaxes must not tell feeds two different prices, currencies or stock states.

    Each syntax is compared with the first (in the order JSON-LD, microdata, RDFa,
    Open Graph) that states the same field; every disagreement is an error, since
    each destination reads a different syntax.
    """
    checks = (
        (
            "price",
            "price-mismatch",
            "product:price:amount",
            "make both show the price a buyer pays",
        ),
        ("currency", "currency-mismatch", "product:price:currency", "use the same currency"),
        (
            "availability",
            "availability-mismatch",
            "product:availability",
            "make both say whether it is in stock",
        ),
    )
    findings = []
    for field, rule, tag, fix in checks:
        stated = [reading for reading in readings if getattr(reading, field) not in (None, "")]
        if not stated:
            continue
        first = stated[0]
        for other in stated[1:]:
            if getattr(other, field) == getattr(first, field):
                continue
            ours, theirs = _SYNTAX_NAMES[other.syntax], _SYNTAX_NAMES[first.syntax]
            findings.append(
                Finding(
                    "error",
                    tag if other.syntax == "opengraph" else f"{other.syntax} {field}",
                    rule,
                    f"{ours} says {getattr(other, field)} but {theirs} says "
                    f"{getattr(first, field)}; {fix} in both.",
                    "Google merchant listings",
                )
            )
    return findings


# schema.org availability → the words Meta catalogs and Pinterest read in product:availability.
_OG_AVAILABILITY = {
    "InStock": "in stock",
    "LimitedAvailability": "in stock",
    "OnlineOnly": "in stock",
    "InStoreOnly": "in stock",
    "OutOfStock": "out of stock",
    "SoldOut": "out of stock",
    "PreOrder": "preorder",
    "PreSale": "preorder",
    "BackOrder": "available for order",
    "MadeToOrder": "available for order",
    "Discontinued": "discontinued",
}


def suggested_tags(html: str | bytes, url: str) -> str:
    """A ready-to-paste block of ``<head>`` tags for the product the page describes.

    Open Graph product tags, an X card and a JSON-LD Product, each filled from what
    ``extract`` read (its precedence settles disagreements); what nothing stated is
    left as a commented line to fill in. Every value is escaped for its context.
    """
    try:
        product = extract(html, url)
    except MetadataError:
        product = Product(url=url)
    lines: list[str] = []

    def meta(attribute: str, key: str, value: object) -> None:
        if value in (None, "", []):
            lines.append(f'<!-- fill in: <meta {attribute}="{key}" content="…"> -->')
        else:
            lines.append(f'<meta {attribute}="{key}" content="{_attr(value)}">')

    price = price_str(product.price, product.currency)
    meta("property", "og:type", "product")
    meta("property", "og:title", product.name)
    meta("property", "og:description", product.description)
    meta("property", "og:url", product.url)
    for image in product.images[:4] or [None]:
        meta("property", "og:image", image)
    list_price = price_str(product.list_price, product.currency)
    if list_price:  # on sale: Meta's regular price and sale price
        meta("property", "product:price:amount", list_price)
        meta("property", "product:sale_price:amount", price)
        meta("property", "product:sale_price:currency", product.currency)
    else:
        meta("property", "product:price:amount", price)
    meta("property", "product:price:currency", product.currency)
    meta("property", "product:availability", _OG_AVAILABILITY.get(product.availability or ""))
    meta("property", "product:brand", product.brand)
    meta("property", "product:retailer_item_id", product.sku)
    meta("name", "twitter:card", "summary_large_image")
    offer = {
        "@type": "Offer",
        "price": price or "…",
        "priceCurrency": product.currency or "…",
        "availability": (
            f"https://schema.org/{product.availability}" if product.availability else "…"
        ),
        "url": product.url,
    }
    if list_price:  # Google's merchant listings: the price before the sale
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "priceType": "https://schema.org/StrikethroughPrice",
            "price": list_price,
            "priceCurrency": product.currency,
        }
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name or "…",
        "description": product.description,
        "image": product.images[:4] or ["…"],
        "sku": product.sku,
        "gtin": product.gtin,
        "mpn": product.mpn,
        "brand": {"@type": "Brand", "name": product.brand} if product.brand else None,
        "offers": offer,
    }
    data = {key: value for key, value in data.items() if value is not None}
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # Nothing in the JSON may close the script or open a comment.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    lines.append(f'<script type="application/ld+json">\n{text}\n</script>')
    return "\n".join(lines) + "\n"


def _attr(value: object) -> str:
    return html_escaping.escape(str(value), quote=True)
