"""The merchant tag validator: what a product page lacks for each place it is shared.

Each finding names whose requirement it is (Open Graph, Meta catalog, Pinterest,
Google merchant listings, X cards), so a merchant can tell a hard error for the
feeds they care about from a nice-to-have.
"""

from dataclasses import asdict, dataclass

from lxml import etree

from plugin import money
from plugin.metadata import normalize
from plugin.metadata.extract import parse
from plugin.metadata.syntaxes import jsonld, opengraph
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
    try:
        structured = jsonld.read(page)
    except Exception:  # a validator reports what it can rather than fail on odd markup
        structured = None
    findings = [
        *_open_graph_findings(tags),
        *_structured_data_findings(structured),
        *_consistency_findings(tags, structured),
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


def _structured_data_findings(structured: Reading | None) -> list[Finding]:
    source = "Google merchant listings"
    if structured is None:
        return [
            Finding(
                "error",
                "JSON-LD Product",
                "jsonld-product-missing",
                'Add a <script type="application/ld+json"> Product with name, image and an '
                "Offer (price, priceCurrency, availability).",
                source,
            )
        ]
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
            f"The JSON-LD Product needs {field}: {what}.",
            source,
        )
        for field, value, rule, what in missing
        if not value
    ]


def _consistency_findings(tags: dict[str, list[str]], structured: Reading | None) -> list[Finding]:
    """Open Graph and JSON-LD must not tell feeds two different prices."""
    if structured is None:
        return []
    amount, symbol = normalize.price((tags.get("product:price:amount") or [None])[0])
    currency = normalize.currency((tags.get("product:price:currency") or [None])[0]) or symbol
    findings = []
    if amount is not None and structured.price is not None and amount != structured.price:
        findings.append(
            Finding(
                "error",
                "product:price:amount",
                "price-mismatch",
                f"Open Graph says {amount} but JSON-LD says {structured.price}; "
                "make both show the price a buyer pays.",
                "Google merchant listings",
            )
        )
    if currency and structured.currency and currency != structured.currency:
        findings.append(
            Finding(
                "error",
                "product:price:currency",
                "currency-mismatch",
                f"Open Graph says {currency} but JSON-LD says {structured.currency}; "
                "use the same currency in both.",
                "Google merchant listings",
            )
        )
    return findings
