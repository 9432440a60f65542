"""The uniform result every syntax reader returns."""

from dataclasses import dataclass, field
from decimal import Decimal

from plugin.metadata.product import Offer


@dataclass
class Reading:
    """What one syntax says about the page's product, already normalised.

    ``is_product`` is True when the syntax itself types the page as a product
    (schema.org ``Product``, ``og:type=product``, ``product:*`` tags), as opposed
    to a page that merely has a title and a picture.
    """

    syntax: str
    is_product: bool = False
    url: str | None = None
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
    # ``visible`` only: whether the product's buy button can be pressed (None: none seen).
    buy_button: bool | None = None
