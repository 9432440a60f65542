"""The demo shop's catalogue, as plain data.

Prices are ``Decimal`` values built from strings (never floats), in major units of
an ISO 4217 currency. Availability is the schema.org short name (``"InStock"``);
the templates expand it to ``https://schema.org/InStock`` for JSON-LD and to
``"in stock"`` for Open Graph. ``images`` are names served by
``GET /demo/shop/images/<name>.png`` (or ``.svg``), drawn from :data:`IMAGES`.

Each product exercises a different way real shops tag their pages:

- ``trail-runner-backpack``: Open Graph + JSON-LD ``Product``/``Offer``, several images.
- ``merino-crew-sweater``: JSON-LD ``ProductGroup`` with ``hasVariant`` (one variant
  out of stock, one priced differently).
- ``ceramic-pour-over-set``: out of stock.
- ``field-notebook-3pack``: JPY (no minor unit), microdata instead of JSON-LD.
- :data:`SLOPPY` (``sloppy-sunglasses``): badly tagged on purpose, for the merchant
  tag validator; not part of :data:`PRODUCTS`.
"""

from dataclasses import dataclass
from decimal import Decimal

SHOP_NAME = "Trailhead Supply Co."

# Availability names that can be bought (schema.org ItemAvailability).
AVAILABLE = frozenset({"InStock", "LimitedAvailability", "PreOrder", "BackOrder", "OnlineOnly"})

# schema.org ItemAvailability -> the words Open Graph / Facebook catalogues use.
OG_AVAILABILITY = {
    "InStock": "in stock",
    "OutOfStock": "out of stock",
    "PreOrder": "preorder",
    "BackOrder": "available for order",
    "LimitedAvailability": "in stock",
    "OnlineOnly": "in stock",
    "Discontinued": "discontinued",
    "SoldOut": "out of stock",
}


@dataclass(frozen=True, slots=True)
class Variant:
    sku: str
    color: str
    size: str
    price: Decimal
    availability: str
    gtin: str | None = None
    image: str | None = None  # a name from IMAGES

    @property
    def in_stock(self) -> bool:
        return self.availability in AVAILABLE

    @property
    def label(self) -> str:
        return f"{self.color} / {self.size}"


@dataclass(frozen=True, slots=True)
class Product:
    slug: str
    name: str
    brand: str
    description: str
    price: Decimal  # major units; for a product with variants, the default variant's
    currency: str
    availability: str
    sku: str  # for a product group, the group id
    gtin: str | None
    images: tuple[str, ...]
    variants: tuple[Variant, ...] = ()
    default_variant: str | None = None  # sku of the variant shown first
    category: str = ""
    markup: str = "jsonld"  # "jsonld" or "microdata": how the page tags the product
    details: tuple[str, ...] = ()  # bullet points shown on the page
    list_price: Decimal | None = None  # the price before a discount, shown crossed out

    @property
    def in_stock(self) -> bool:
        return self.availability in AVAILABLE

    @property
    def og_availability(self) -> str:
        return OG_AVAILABILITY.get(self.availability, "out of stock")

    def variant(self, sku: str | None) -> Variant | None:
        """The variant with ``sku``, else the default one, else ``None``."""
        by_sku = {v.sku: v for v in self.variants}
        return by_sku.get(sku or "") or by_sku.get(self.default_variant or "")


@dataclass(frozen=True, slots=True)
class Image:
    """How to draw one demo picture: a title, two background colours, a motif."""

    title: str
    top: str  # background gradient, CSS hex colours
    bottom: str
    motif: str  # "backpack", "sweater", "pourover", "notebook", "sunglasses"
    accent: str  # the motif's main colour


IMAGES: dict[str, Image] = {
    "backpack-front": Image("Trail Runner 18L", "#ffb27a", "#e2553f", "backpack", "#1f4e5f"),
    "backpack-side": Image("Trail Runner 18L · side", "#9fd8cb", "#2f8f83", "backpack", "#f2a541"),
    "backpack-detail": Image(
        "Trail Runner 18L · detail", "#c9d6ff", "#5468d4", "backpack", "#e94f37"
    ),
    "sweater-navy": Image("Merino Crew · Navy", "#dfe7f2", "#8fa5c4", "sweater", "#22335b"),
    "sweater-oatmeal": Image("Merino Crew · Oatmeal", "#dfeae2", "#7f9c8a", "sweater", "#e9dcc3"),
    "pourover-set": Image("Pour-Over Set", "#f3e3d3", "#c79a7a", "pourover", "#fbf7f1"),
    "pourover-detail": Image(
        "Pour-Over Set · dripper", "#e4efe9", "#86a99a", "pourover", "#394a43"
    ),
    "notebook-3pack": Image("Field Notebook · 3-pack", "#fff3b0", "#e0a458", "notebook", "#335c67"),
    "notebook-open": Image("Field Notebook · grid", "#e0fbfc", "#98c1d9", "notebook", "#ee6c4d"),
    "sunglasses": Image("Sunglasses", "#ffe066", "#f08c00", "sunglasses", "#212529"),
}


_SWEATER_VARIANTS = tuple(
    Variant(sku, colour, size, Decimal(price), availability, gtin, f"sweater-{colour.lower()}")
    for sku, colour, size, price, availability, gtin in (
        ("FW-CREW-NAVY-S", "Navy", "S", "120.00", "InStock", "4012345001013"),
        ("FW-CREW-NAVY-M", "Navy", "M", "120.00", "InStock", "4012345001020"),
        ("FW-CREW-NAVY-L", "Navy", "L", "120.00", "OutOfStock", "4012345001037"),
        ("FW-CREW-OAT-M", "Oatmeal", "M", "120.00", "InStock", "4012345001044"),
        ("FW-CREW-OAT-XL", "Oatmeal", "XL", "130.00", "InStock", "4012345001051"),
    )
)

PRODUCTS: tuple[Product, ...] = (
    Product(
        slug="trail-runner-backpack",
        name="Alpine Trail Runner Backpack 18L",
        brand="Ridgeline",
        description=(
            "A light 18-litre pack for long days on the trail: a vest-style harness that "
            "does not bounce, two soft-flask pockets, a stretch mesh front for a wet "
            "shell, and a waterproof zip pocket for your phone and keys."
        ),
        price=Decimal("89.00"),
        list_price=Decimal("109.00"),
        currency="EUR",
        availability="InStock",
        sku="RL-TR18",
        gtin="4012345000122",
        images=("backpack-front", "backpack-side", "backpack-detail"),
        category="Sports & Outdoors > Hiking > Backpacks",
        details=(
            "18 L main compartment, 640 g",
            "Recycled ripstop nylon, PFC-free coating",
            "Two 500 ml soft-flask pockets",
            "Reflective trims for dawn and dusk",
        ),
    ),
    Product(
        slug="merino-crew-sweater",
        name="Merino Crew Sweater",
        brand="Fjellwool",
        description=(
            "A mid-weight crew neck in 100% mulesing-free merino. Warm on a cold "
            "summit, breathable on the climb, and it does not smell after three days "
            "on the road."
        ),
        price=Decimal("120.00"),
        currency="USD",
        availability="InStock",
        sku="FW-CREW",
        gtin=None,
        images=("sweater-navy", "sweater-oatmeal"),
        variants=_SWEATER_VARIANTS,
        default_variant="FW-CREW-NAVY-M",
        category="Apparel & Accessories > Clothing > Sweaters",
        details=(
            "100% merino wool, 19.5 micron",
            "Regular fit, ribbed cuffs and hem",
            "Machine washable on wool cycle",
        ),
    ),
    Product(
        slug="ceramic-pour-over-set",
        name="Ceramic Pour-Over Coffee Set",
        brand="Kiln & Co.",
        description=(
            "A hand-glazed stoneware dripper with a matching 600 ml carafe and two "
            "cups. Each piece is thrown in a small studio in Stoke-on-Trent, so no two "
            "glazes are quite the same."
        ),
        price=Decimal("42.50"),
        currency="GBP",
        availability="OutOfStock",
        sku="KC-POS-01",
        gtin="5012345000770",
        images=("pourover-set", "pourover-detail"),
        category="Home & Garden > Kitchen & Dining > Coffee Makers",
        details=(
            "Dripper fits size 02 filters",
            "600 ml carafe, two 180 ml cups",
            "Dishwasher safe",
        ),
    ),
    Product(
        slug="field-notebook-3pack",
        name="Field Notebook 3-Pack",
        brand="Kasane Paper",
        description=(
            "Three pocket notebooks with 48 pages of 5 mm grid paper that takes pencil "
            "in the rain, stitched with cotton thread and bound in kraft card."
        ),
        price=Decimal("1800"),
        currency="JPY",
        availability="InStock",
        sku="KP-FN3",
        gtin="4901234500181",
        images=("notebook-3pack", "notebook-open"),
        category="Office Supplies > Paper Products > Notebooks",
        markup="microdata",
        details=(
            "9 × 14 cm, 48 pages each",
            "5 mm grid, 80 g/m² paper",
            "Made in Japan",
        ),
    ),
)

# Tagged badly on purpose, for the merchant tag validator. The JSON-LD price (24.99)
# disagrees with the Open Graph one ("19,99"), the currency is not ISO 4217, the
# image URL is relative, there is no og:image, no availability, no twitter:card.
SLOPPY = Product(
    slug="sloppy-sunglasses",
    name="Polarised Sunglasses",
    brand="Sunny",
    description="Polarised lenses, a bendy frame and a hard case.",
    price=Decimal("24.99"),
    currency="EURO",
    availability="",
    sku="SUN-01",
    gtin=None,
    images=("sunglasses",),
    category="Apparel & Accessories > Clothing Accessories > Sunglasses",
)
SLOPPY_OG_PRICE = "19,99"

BY_SLUG: dict[str, Product] = {p.slug: p for p in PRODUCTS}


def get_product(slug: str) -> Product | None:
    """The listed product with ``slug`` (not the sloppy one), or ``None``."""
    return BY_SLUG.get(slug)
