"""What a product page says, normalised: the shape every other part of ogstore reads."""

from dataclasses import dataclass, field
from decimal import Decimal

from plugin import money


def price_str(price: Decimal | None, currency: str | None) -> str | None:
    """The API's price string: major units with the currency's digits when it is known."""
    if price is None:
        return None
    if currency and money.is_currency(currency):
        return str(money.quantize(price, currency))
    return str(price)


@dataclass
class Offer:
    """One way to buy the product: a variant, a seller or a price range's low end.

    ``list_price`` is the price before a discount (schema.org ``ListPrice`` or
    ``StrikethroughPrice``, Open Graph's original price), only ever above ``price``.
    """

    sku: str | None = None
    name: str | None = None
    price: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    availability: str | None = None
    url: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "sku": self.sku,
            "name": self.name,
            "price": price_str(self.price, self.currency),
            "currency": self.currency,
            "list_price": price_str(self.list_price, self.currency),
            "availability": self.availability,
            "url": self.url,
            "attributes": dict(self.attributes),
        }


@dataclass
class Product:
    """A product page, one value per field, with ``sources`` naming the syntax behind each.

    ``price``, ``currency``, ``list_price``, ``availability`` and ``sku`` are those of
    the main offer (see ``extract``); ``offers`` lists every offer the page gives.
    """

    url: str
    name: str | None = None
    description: str | None = None
    images: list[str] = field(default_factory=list)
    price: Decimal | None = None
    currency: str | None = None
    list_price: Decimal | None = None
    availability: str | None = None
    brand: str | None = None
    sku: str | None = None
    gtin: str | None = None
    mpn: str | None = None
    offers: list[Offer] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)

    def find_offer(self, sku: str) -> Offer | None:
        """The offer for a chosen variant, or None when the page has no such SKU."""
        return next((offer for offer in self.offers if offer.sku == sku), None)

    def to_dict(self) -> dict:
        return {
            "url": self.url,
            "name": self.name,
            "description": self.description,
            "images": list(self.images),
            "price": price_str(self.price, self.currency),
            "currency": self.currency,
            "list_price": price_str(self.list_price, self.currency),
            "availability": self.availability,
            "brand": self.brand,
            "sku": self.sku,
            "gtin": self.gtin,
            "mpn": self.mpn,
            "offers": [offer.to_dict() for offer in self.offers],
            "sources": dict(self.sources),
        }
