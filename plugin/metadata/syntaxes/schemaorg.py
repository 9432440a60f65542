"""schema.org Product/Offer graphs to a ``Reading``, shared by JSON-LD, microdata and RDFa.

Each of those readers turns its syntax into plain JSON-LD-like nodes (dicts with
``@type``); this module finds the product among them and reads its offers, so the
schema.org rules (ProductGroup variants, AggregateOffer, priceSpecification, …)
live in one place.
"""

from urllib.parse import unquote, urlsplit

from plugin.metadata import normalize
from plugin.metadata.product import Offer
from plugin.metadata.syntaxes.reading import Reading

PRODUCT_TYPES = frozenset(
    {
        "product",
        "productgroup",
        "productmodel",
        "individualproduct",
        "someproducts",
        "vehicle",
        "car",
    }
)
# The product's own identifier, before any offer's (a variant's) SKU.
_PRODUCT_ID_KEYS = ("sku", "productid", "productgroupid")
_GTIN_KEYS = ("gtin", "gtin13", "gtin12", "gtin14", "gtin8", "isbn")
_VARIANT_KEYS = ("color", "size", "material", "pattern")
# priceSpecification entries that describe a price before a discount (shown crossed
# out), and with the dealer's invoice price, those that are not the price to pay.
_LIST_PRICE_TYPES = frozenset({"listprice", "strikethroughprice", "msrp", "srp"})
_NOT_THE_PRICE = _LIST_PRICE_TYPES | {"invoiceprice"}
_MAX_DEPTH = 32
# Where a price written as an object (a template that serialised its price model, e.g.
# ``{"sales": {"value": 3499, "formatted": "$3.499"}, "list": null}``) keeps the amount:
# the sale price before anything else, then the usual names for a plain amount.
_AMOUNT_KEYS = ("sales", "sale", "value", "@value", "amount", "decimalprice", "price")
_MIN_CODE = 5


def short_name(name: object) -> str:
    """``"https://schema.org/Offer"``, ``"schema:Offer"``, ``"Offer"`` → ``"offer"``."""
    return str(name).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1].lower()


def normalise_keys(value: object, depth: int = 0) -> object:
    """Lower-case, prefix-free keys at every level (``"Offers"``, ``"schema:offers"``).

    ``@``-keywords keep their name; nesting deeper than any real page is cut off.
    """
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {
            (key if key.startswith("@") else short_name(key)): normalise_keys(item, depth + 1)
            for key, item in value.items()
            if isinstance(key, str)
        }
    if isinstance(value, list):
        return [normalise_keys(item, depth + 1) for item in value]
    return value


def types(node: dict) -> set[str]:
    return {short_name(name) for name in normalize.as_list(node.get("@type")) if name}


def find_products(value: object, depth: int = 0) -> list[dict]:
    """Product nodes in document order; variants inside a product are not listed apart.

    An ``Offer`` whose ``itemOffered`` is a product counts as that product with this offer.
    """
    if depth > _MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [found for item in value for found in find_products(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    node_types = types(value)
    if node_types & PRODUCT_TYPES:
        return [value]
    offered = value.get("itemoffered")
    if "offer" in node_types and isinstance(offered, dict) and types(offered) & PRODUCT_TYPES:
        offer = {key: item for key, item in value.items() if key != "itemoffered"}
        return [{**offered, "offers": offer}]
    return [found for item in value.values() for found in find_products(item, depth + 1)]


def read_products(nodes: list, base_url: str, syntax: str) -> Reading | None:
    """The page's main product among ``nodes``: the first that has offers, else the first."""
    products = find_products(normalise_keys(nodes))
    if not products:
        return None
    main = next((node for node in products if node.get("offers") or node.get("hasvariant")), None)
    main = main or products[0]
    return _reading(_with_sibling_variants(main, products), base_url, syntax)


def _with_sibling_variants(main: dict, products: list[dict]) -> dict:
    """Pages that list each size or colour as its own Product with the same name: one
    product whose variants those are (as a ProductGroup would say)."""
    name = normalize.text(main.get("name"))
    if not name or main.get("hasvariant"):
        return main
    siblings = [
        node
        for node in products
        if node is not main and node.get("offers") and normalize.text(node.get("name")) == name
    ]
    if not siblings:
        return main
    return {**main, "sku": None, "productid": None, "hasvariant": [main, *siblings]}


def _reading(product: dict, base_url: str, syntax: str) -> Reading:
    sku = next(filter(None, (normalize.text(product.get(key)) for key in _PRODUCT_ID_KEYS)), None)
    offers = _offers(product, base_url, sku)
    main = main_offer(offers)
    if sku is None and main and main.sku:
        sku = code_in_url(main.sku, base_url) or main.sku
    price, currency = _aggregate_price(product)
    list_price = None
    if price is None and main:
        price, currency, list_price = main.price, main.currency, main.list_price
    return Reading(
        syntax=syntax,
        is_product=True,
        url=normalize.absolute_url(product.get("url"), base_url),
        name=normalize.text(product.get("name")),
        description=normalize.text(product.get("description")),
        images=normalize.image_urls(product.get("image"), base_url),
        price=price,
        currency=currency or (main.currency if main else None),
        list_price=list_price,
        availability=main.availability if main else None,
        brand=normalize.brand(product.get("brand")) or normalize.brand(product.get("manufacturer")),
        sku=sku,
        gtin=next(filter(None, (normalize.text(product.get(key)) for key in _GTIN_KEYS)), None),
        mpn=normalize.text(product.get("mpn")),
        offers=offers,
    )


def code_in_url(variant_sku: str, url: str) -> str | None:
    """The product code the page's URL path carries, when the variant's SKU extends it.

    Shops name a product page after its code ("…-su221u09p-e11.html") and give each
    size a longer SKU ("SU221U09P-E110XXS000"); the code in the URL is the product's.
    """
    try:
        path = unquote(urlsplit(url).path).lower()
    except ValueError:
        return None
    lowered = variant_sku.lower()
    for length in range(len(lowered) - 1, _MIN_CODE - 1, -1):
        prefix = lowered[:length]
        if not prefix[-1].isalnum():
            continue
        found = path.find(prefix)
        while found >= 0:
            before = path[found - 1] if found else "/"
            after = path[found + length] if found + length < len(path) else "/"
            if not before.isalnum() and not after.isalnum():
                return variant_sku[:length]
            found = path.find(prefix, found + 1)
    return None


def main_offer(offers: list[Offer]) -> Offer | None:
    """The offer the product's headline price comes from.

    The first buyable offer with a price, else the first with a price, else the first.
    """
    priced = [offer for offer in offers if offer.price is not None]
    buyable = [offer for offer in priced if offer.availability in normalize.BUYABLE]
    return next(iter(buyable or priced or offers), None)


def _aggregate_price(product: dict) -> tuple:
    """An AggregateOffer's low price, which is the headline price when there is one."""
    for node in normalize.as_list(product.get("offers")):
        if isinstance(node, dict) and "aggregateoffer" in types(node):
            amount, symbol = normalize.price(
                _amount(node.get("lowprice") or node.get("price")), node.get("pricecurrency")
            )
            if amount is not None:
                return amount, normalize.currency(node.get("pricecurrency")) or symbol
    return None, None


def _offers(product: dict, base_url: str, product_sku: str | None) -> list[Offer]:
    """Every offer of the product, or of each of its variants (ProductGroup)."""
    variants = [
        node
        for node in normalize.as_list(product.get("hasvariant"))
        if isinstance(node, dict) and types(node) & PRODUCT_TYPES
    ]
    if not variants:
        return _offers_of(product, base_url, product_sku, _attributes(product, []))
    varies_by = [short_name(name) for name in normalize.as_list(product.get("variesby"))]
    offers = []
    for variant in variants:
        variant_sku = normalize.text(variant.get("sku"))
        attributes = _attributes(variant, varies_by)
        found = _offers_of(variant, base_url, variant_sku, attributes)
        if not found:
            found = [Offer(sku=variant_sku, attributes=attributes)]
        name = normalize.text(variant.get("name"))
        for offer in found:
            offer.name = offer.name or name
        offers.extend(found)
    return offers


def _offers_of(
    node: dict, base_url: str, sku: str | None, attributes: dict[str, str]
) -> list[Offer]:
    offers = []
    for offer in normalize.as_list(node.get("offers")):
        if not isinstance(offer, dict):
            continue
        inner = [item for item in normalize.as_list(offer.get("offers")) if isinstance(item, dict)]
        if "aggregateoffer" in types(offer) and inner:
            offers.extend(_offers_of(offer, base_url, sku, attributes))
        else:
            offers.append(_offer(offer, base_url, sku, attributes))
    return offers


def _offer(node: dict, base_url: str, sku: str | None, attributes: dict[str, str]) -> Offer:
    amount, currency, list_price = _offer_price(node)
    offered = node.get("itemoffered")
    if isinstance(offered, dict):
        attributes = {**attributes, **_attributes(offered, [])}
    return Offer(
        sku=normalize.text(node.get("sku")) or sku,
        name=normalize.text(node.get("name")),
        price=amount,
        currency=currency,
        list_price=list_price,
        availability=normalize.availability(node.get("availability")),
        url=normalize.absolute_url(node.get("url"), base_url),
        attributes=attributes,
    )


def _offer_price(node: dict) -> tuple:
    """Price, currency and list price of an offer, from itself or its priceSpecification."""
    specifications = [
        spec for spec in normalize.as_list(node.get("pricespecification")) if isinstance(spec, dict)
    ]
    listed = [spec for spec in specifications if _price_type(spec) in _LIST_PRICE_TYPES]
    paid = [spec for spec in specifications if _price_type(spec) not in _NOT_THE_PRICE]
    for candidate in [node, *paid]:
        amount, code = _price_of(candidate, node)
        if amount is not None:
            before = (_price_of(spec, node) for spec in listed)
            list_price = next(
                (value for value, unit in before if value and value > amount and unit == code),
                None,
            )
            return amount, code, list_price
    return None, normalize.currency(node.get("pricecurrency")), None


def _price_type(specification: dict) -> str:
    return short_name(normalize.text(specification.get("pricetype")) or "")


def _price_of(candidate: dict, offer: dict) -> tuple:
    """The amount and currency ``candidate`` (an offer or one of its specifications) gives."""
    amount, symbol = normalize.price(
        _amount(candidate.get("price") or candidate.get("lowprice")),
        candidate.get("pricecurrency") or offer.get("pricecurrency"),
    )
    code = normalize.currency(candidate.get("pricecurrency")) or symbol
    return amount, code or normalize.currency(offer.get("pricecurrency"))


def _amount(value: object, depth: int = 0) -> object:
    """A price as written, or the amount inside a price written as an object."""
    if not isinstance(value, dict) or depth > 3:
        return value
    for key in _AMOUNT_KEYS:
        found = value.get(key)
        if found is not None and found != "":
            return _amount(found, depth + 1)
    return None


def _attributes(node: dict, varies_by: list[str]) -> dict[str, str]:
    """Variant attributes: the ``variesBy`` properties, colour/size, additionalProperty."""
    attributes = {}
    for key in dict.fromkeys([*varies_by, *_VARIANT_KEYS]):
        value = normalize.text(node.get(key))
        if value:
            attributes[key] = value
    for prop in normalize.as_list(node.get("additionalproperty")):
        if isinstance(prop, dict):
            name, value = normalize.text(prop.get("name")), normalize.text(prop.get("value"))
            if name and value:
                attributes[name] = value
    return attributes
