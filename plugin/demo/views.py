"""The demo merchant shop and demo blog (blueprint ``demo``, mounted at ``/demo``).

The shop's pages are tagged the way real shops tag them (Open Graph, ``product:*``,
Twitter, JSON-LD or microdata), so reading them exercises the real metadata code.
Pictures are drawn here (Pillow for PNG, plain text for SVG): nothing comes from
the network.
"""

from functools import lru_cache
from io import BytesIO

from babel.numbers import format_currency
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from markupsafe import escape

from plugin.catalog.services import claim_token
from plugin.money import is_currency

from . import DEMO_CARD_CODE, DEMO_PRODUCT_SLUG, DEMO_SHARER_HANDLE
from .products import (
    IMAGES,
    PRODUCTS,
    SHOP_NAME,
    SLOPPY,
    SLOPPY_OG_PRICE,
    Image,
    Product,
    get_product,
)

bp = Blueprint("demo", __name__, url_prefix="/demo", template_folder="templates")

SCHEMA = "https://schema.org/"
NEW = SCHEMA + "NewCondition"


@bp.context_processor
def _context() -> dict:
    return {
        "shop_name": SHOP_NAME,
        "verification_token": claim_token(current_app.config["OGSTORE_DEMO_MERCHANT_CLAIM"]),
        "image_url": image_url,
    }


@bp.app_template_filter("demo_money")
def money(amount, currency: str) -> str:
    """``Decimal("89.00"), "EUR"`` -> ``"€89.00"``; unknown currencies as ``"24.99 EURO"``."""
    if is_currency(currency):
        return format_currency(amount, currency, locale="en")
    return f"{amount} {currency}"


def image_url(name: str, external: bool = True, ext: str = "png") -> str:
    return url_for("demo.image", name=name, ext=ext, _external=external)


def product_url(product: Product, **query) -> str:
    return url_for("demo.product", slug=product.slug, _external=True, **query)


# --- pages -------------------------------------------------------------------------


@bp.get("/shop/")
def shop_index():
    return _conditional(render_template("demo/index.html", products=PRODUCTS, sloppy=SLOPPY))


@bp.get("/shop/products/<slug>")
def product(slug: str):
    if slug == SLOPPY.slug:
        return _sloppy()
    item = get_product(slug)
    if item is None:
        abort(404)
    chosen = item.variant(request.args.get("variant"))
    canonical = product_url(item)
    ld = [] if item.markup != "jsonld" else [_product_ld(item, canonical), _breadcrumbs(item)]
    return _conditional(
        render_template(
            "demo/product.html",
            product=item,
            chosen=chosen,
            canonical=canonical,
            images=[image_url(n) for n in item.images],
            ld=ld,
        )
    )


def _sloppy():
    ld = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": SLOPPY.name,
        "image": image_url(SLOPPY.images[0], external=False),  # relative, on purpose
        "sku": SLOPPY.sku,
        "offers": {"@type": "Offer", "price": str(SLOPPY.price), "priceCurrency": "EURO"},
    }
    return render_template(
        "demo/sloppy.html",
        product=SLOPPY,
        chosen=None,
        og_price=SLOPPY_OG_PRICE,
        images=[image_url(n, external=False) for n in SLOPPY.images],
        ld=[ld],
    )


@bp.get("/blog")
def blog():
    backpack = get_product(DEMO_PRODUCT_SLUG)
    return render_template(
        "demo/blog.html",
        code=DEMO_CARD_CODE,
        handle=DEMO_SHARER_HANDLE,
        product_name=backpack.name if backpack else "",
    )


# --- JSON-LD ---------------------------------------------------------------------


def _offer(url: str, price, currency: str, availability: str, list_price=None) -> dict:
    offer = {
        "@type": "Offer",
        "url": url,
        "price": str(price),
        "priceCurrency": currency,
        "availability": SCHEMA + availability,
        "itemCondition": NEW,
        "seller": {"@type": "Organization", "name": SHOP_NAME},
    }
    if list_price is not None:  # as Google's merchant listings ask for a sale
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "priceType": SCHEMA + "StrikethroughPrice",
            "price": str(list_price),
            "priceCurrency": currency,
        }
    return offer


def _product_ld(item: Product, canonical: str) -> dict:
    ld = {
        "@context": "https://schema.org",
        "@type": "ProductGroup" if item.variants else "Product",
        "name": item.name,
        "description": item.description,
        "url": canonical,
        "image": [image_url(n) for n in item.images],
        "brand": {"@type": "Brand", "name": item.brand},
        "category": item.category,
    }
    if not item.variants:
        ld["sku"] = item.sku
        if item.gtin:
            ld["gtin13"] = item.gtin
        ld["offers"] = _offer(
            canonical, item.price, item.currency, item.availability, item.list_price
        )
        return ld
    ld["productGroupID"] = item.sku
    ld["variesBy"] = [SCHEMA + "color", SCHEMA + "size"]
    ld["hasVariant"] = [
        {
            "@type": "Product",
            "name": f"{item.name} – {v.label}",
            "sku": v.sku,
            **({"gtin13": v.gtin} if v.gtin else {}),
            "color": v.color,
            "size": v.size,
            "image": image_url(v.image or item.images[0]),
            "offers": _offer(
                product_url(item, variant=v.sku), v.price, item.currency, v.availability
            ),
        }
        for v in item.variants
    ]
    return ld


def _breadcrumbs(item: Product) -> dict:
    crumbs = [
        (SHOP_NAME, url_for("demo.shop_index", _external=True)),
        (item.name, product_url(item)),
    ]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(crumbs, 1)
        ],
    }


def _conditional(html: str) -> Response:
    resp = Response(html, mimetype="text/html")
    resp.add_etag()
    return resp.make_conditional(request)


# --- pictures ----------------------------------------------------------------------

SIZE = 800


@bp.get("/shop/images/<name>.<any(png, svg):ext>")
def image(name: str, ext: str):
    spec = IMAGES.get(name)
    if spec is None:
        abort(404)
    if ext == "svg":
        resp = Response(_svg(spec), mimetype="image/svg+xml")
        resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    else:
        resp = Response(_png(name), mimetype="image/png")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.add_etag()
    return resp.make_conditional(request)


def _mix(colour: str, other: str, t: float) -> str:
    """``colour`` moved ``t`` of the way towards ``other`` (both ``#rrggbb``)."""
    a = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _shapes(spec: Image) -> list[tuple]:
    """The motif as simple shapes on an 800×800 canvas.

    ``("rect", x0, y0, x1, y1, radius, fill)``, ``("ellipse", x0, y0, x1, y1, fill)``,
    ``("poly", points, fill)``, ``("line", points, width, colour)``.
    """
    c = spec.accent
    dark, light = _mix(c, "#000000", 0.3), _mix(c, "#ffffff", 0.35)
    if spec.motif == "backpack":
        return [
            ("rect", 340, 130, 460, 230, 45, dark),
            ("rect", 365, 155, 435, 240, 25, spec.top),
            ("rect", 215, 260, 265, 560, 22, dark),
            ("rect", 535, 260, 585, 560, 22, dark),
            ("rect", 245, 200, 555, 650, 80, c),
            ("line", [(300, 330), (500, 330)], 10, light),
            ("rect", 295, 420, 505, 610, 45, light),
            ("line", [(330, 470), (470, 470)], 8, c),
            ("rect", 385, 250, 415, 300, 10, "#f5f5f5"),
        ]
    if spec.motif == "sweater":
        body = [(270, 215), (345, 180), (455, 180), (530, 215), (655, 430), (585, 465)]
        body += [(535, 370), (535, 640), (265, 640), (265, 370), (215, 465), (145, 430)]
        return [
            ("poly", body, c),
            ("ellipse", 345, 160, 455, 235, dark),
            ("ellipse", 362, 168, 438, 215, spec.top),
            ("rect", 265, 600, 535, 645, 8, dark),
            ("line", [(585, 465), (655, 430)], 18, dark),
            ("line", [(145, 430), (215, 465)], 18, dark),
        ]
    if spec.motif == "pourover":
        return [
            ("ellipse", 260, 590, 540, 650, _mix(spec.bottom, "#000000", 0.2)),
            ("rect", 290, 330, 510, 630, 70, c),
            ("rect", 330, 300, 470, 350, 12, dark),
            ("poly", [(250, 180), (550, 180), (450, 320), (350, 320)], light),
            ("line", [(250, 180), (550, 180)], 14, dark),
            ("rect", 560, 500, 660, 620, 24, light),
            ("ellipse", 640, 520, 700, 590, light),
            ("ellipse", 652, 535, 688, 575, spec.bottom),
        ]
    if spec.motif == "notebook":
        books = []
        for i, shade in enumerate((0.45, 0.2, 0.0)):
            x, y = 210 + i * 45, 170 + i * 35
            books.append(("rect", x, y, x + 300, y + 430, 18, _mix(c, "#ffffff", shade)))
        return books + [
            ("rect", 345, 330, 505, 400, 8, "#fbf6ea"),
            ("line", [(470, 240), (470, 635)], 10, _mix(c, "#000000", 0.45)),
        ]
    # sunglasses
    return [
        ("line", [(150, 360), (230, 330)], 16, c),
        ("line", [(650, 360), (570, 330)], 16, c),
        ("ellipse", 200, 320, 390, 480, c),
        ("ellipse", 410, 320, 600, 480, c),
        ("ellipse", 225, 340, 330, 420, light),
        ("line", [(380, 360), (400, 345), (420, 360)], 14, c),
    ]


def _svg(spec: Image) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        f'width="{SIZE}" height="{SIZE}" role="img" aria-label="{escape(spec.title)}">',
        '<defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">'
        f'<stop offset="0" stop-color="{spec.top}"/><stop offset="1" stop-color="{spec.bottom}"/>'
        "</linearGradient></defs>",
        f'<rect width="{SIZE}" height="{SIZE}" fill="url(#g)"/>',
    ]
    for shape in _shapes(spec):
        kind = shape[0]
        if kind == "rect":
            _, x0, y0, x1, y1, r, fill = shape
            parts.append(
                f'<rect x="{x0}" y="{y0}" width="{x1 - x0}" height="{y1 - y0}" '
                f'rx="{r}" fill="{fill}"/>'
            )
        elif kind == "ellipse":
            _, x0, y0, x1, y1, fill = shape
            parts.append(
                f'<ellipse cx="{(x0 + x1) / 2}" cy="{(y0 + y1) / 2}" rx="{(x1 - x0) / 2}" '
                f'ry="{(y1 - y0) / 2}" fill="{fill}"/>'
            )
        elif kind == "poly":
            points = " ".join(f"{x},{y}" for x, y in shape[1])
            parts.append(f'<polygon points="{points}" fill="{shape[2]}"/>')
        else:
            points = " ".join(f"{x},{y}" for x, y in shape[1])
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{shape[3]}" '
                f'stroke-width="{shape[2]}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
    parts.append(
        f'<text x="400" y="735" text-anchor="middle" font-family="system-ui,sans-serif" '
        f'font-size="40" font-weight="600" fill="{_ink(spec)}">{escape(spec.title)}</text></svg>'
    )
    return "".join(parts)


@lru_cache(maxsize=len(IMAGES))
def _png(name: str) -> bytes:
    from PIL import Image as PILImage
    from PIL import ImageDraw, ImageFont

    spec = IMAGES[name]
    k = 2  # draw at twice the size, then scale down: cheap antialiasing
    s = SIZE * k
    mask = PILImage.linear_gradient("L").resize((s, s), PILImage.Resampling.BILINEAR)
    top, bottom = (PILImage.new("RGB", (s, s), c) for c in (spec.top, spec.bottom))
    img = PILImage.composite(bottom, top, mask)
    draw = ImageDraw.Draw(img)
    for shape in _shapes(spec):
        kind = shape[0]
        if kind == "rect":
            _, x0, y0, x1, y1, r, fill = shape
            draw.rounded_rectangle((x0 * k, y0 * k, x1 * k, y1 * k), r * k, fill=fill)
        elif kind == "ellipse":
            _, x0, y0, x1, y1, fill = shape
            draw.ellipse((x0 * k, y0 * k, x1 * k, y1 * k), fill=fill)
        elif kind == "poly":
            draw.polygon([(x * k, y * k) for x, y in shape[1]], fill=shape[2])
        else:
            points = [(x * k, y * k) for x, y in shape[1]]
            width = shape[2] * k
            draw.line(points, fill=shape[3], width=width, joint="curve")
            for x, y in (points[0], points[-1]):  # round caps
                draw.ellipse(
                    (x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=shape[3]
                )
    try:
        font = ImageFont.truetype("DejaVuSans-Bold.ttf", 40 * k)
    except OSError:
        font = ImageFont.load_default(size=40 * k)
    draw.text((400 * k, 735 * k), spec.title, font=font, fill=_ink(spec), anchor="mm")
    img = img.resize((SIZE, SIZE), PILImage.Resampling.LANCZOS)
    out = BytesIO()
    img.save(out, "PNG", optimize=True)
    return out.getvalue()


def _ink(spec: Image) -> str:
    """White text on a dark background, dark text on a light one."""
    r, g, b = (int(spec.bottom[i : i + 2], 16) for i in (1, 3, 5))
    return "#1d2321" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"
