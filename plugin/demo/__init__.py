"""The demo merchant shop and demo blog, served by the app itself.

They let the whole flow (read a product page, share a card, embed the widget,
check out) run offline. The views live in :mod:`plugin.demo.views` (blueprint
``demo``, mounted at ``/demo``); the catalogue in :mod:`plugin.demo.products`.

Endpoints: ``demo.shop_index`` (``/demo/shop/``), ``demo.product``
(``/demo/shop/products/<slug>``), ``demo.image`` (``/demo/shop/images/<name>.<ext>``),
``demo.blog`` (``/demo/blog``).

This module holds plain constants only (no Flask import), so the seeding code can
use them without pulling in the views.
"""

# The card the demo blog embeds, made by the demo sharer for the demo backpack.
DEMO_CARD_CODE = "trail-lena"
DEMO_SHARER_HANDLE = "lena"
DEMO_PRODUCT_SLUG = "trail-runner-backpack"
