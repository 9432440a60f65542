"""Sharers' API and everything a card is shown as: page, embed, image, QR, oEmbed."""

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from plugin import money
from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.sharing import services
from plugin.web import json_body, visitor_locale
from widgets import CardView
from widgets.oembed import oembed_payload
from widgets.og_image import render_og_image
from widgets.qr import qr_code
from widgets.snippets import embed_html
from widgets.tags import AVAILABILITY_WORDS, og_availability, product_json_ld

bp = Blueprint("sharing", __name__)

# Which of our URLs are cards, for oEmbed consumers that pass any URL.
_CARD_URLS = Map([Rule("/c/<code>", endpoint="card")])


def card_view(card, locale: str = "en") -> CardView:
    """What the widgets render for ``card``, with absolute URLs on this host."""
    snapshot = catalog.get_snapshot(card.product_id)
    share_url = url_for("sharing.card_page", code=card.code, _external=True)
    price = snapshot.price_minor
    return CardView(
        code=card.code,
        share_url=share_url,
        note=card.note,
        handle=card.sharer.handle,
        product=snapshot.data,
        price_display=money.format_money(price, snapshot.currency, locale)
        if price is not None
        else None,
        merchant_domain=snapshot.merchant.domain,
        merchant_verified=snapshot.merchant.is_verified,
        buyable=catalog.is_buyable(snapshot),
        og_image_url=url_for("sharing.og_image", code=card.code, _external=True),
        qr_url=url_for("sharing.qr", code=card.code, kind="svg", _external=True),
        embed_url=url_for("sharing.embed_page", code=card.code, _external=True),
        oembed_url=url_for("sharing.oembed", url=share_url, format="json", _external=True),
    )


def _card_json(card, click=None) -> dict:
    view = card_view(card)
    return {
        "click": click.id if click is not None and not click.is_bot else None,
        "max_quantity": current_app.config["OGSTORE_MAX_QUANTITY"],
        "code": view.code,
        "share_url": view.share_url,
        "note": view.note,
        "sharer": {"handle": view.handle},
        "merchant": {"domain": view.merchant_domain, "verified": view.merchant_verified},
        "buyable": view.buyable,
        "product": view.product,
        "embed_html": embed_html(view, url_for("static", filename="js/embed.js", _external=True)),
        "og_image_url": view.og_image_url,
        "qr_url": view.qr_url,
        "oembed_url": view.oembed_url,
    }


@bp.post("/api/v1/sharers")
def create_sharer():
    sharer, token = services.create_sharer(json_body().get("handle"))
    return {"id": sharer.id, "handle": sharer.handle, "token": token}, 201


@bp.post("/api/v1/cards")
def create_card():
    sharer = services.sharer_for_token(request.headers.get("Authorization"))
    body = json_body()
    card = services.create_card(sharer, body.get("url"), body.get("note"))
    return _card_json(card), 201


@bp.get("/api/v1/cards/<code>")
def card_json(code: str):
    """The card for the widget; its render on a page counts as an embed visit."""
    card = services.get_card(code)
    return _card_json(card, _visit(card, "embed"))


def _visit(card, source: str):
    return services.record_visit(
        card,
        user_agent=request.user_agent.string,
        method=request.method,
        referrer=request.referrer,
        ip=request.remote_addr,
        source=source,
    )


@bp.get("/c/<code>")
def card_page(code: str):
    card = services.get_card(code)
    # A buyer back from paying (?order=) is not a new visit.
    source = "qr" if request.args.get("src") == "qr" else "link"
    click = None if request.args.get("order") else _visit(card, source)
    locale = visitor_locale()
    view = card_view(card, locale)
    return render_template(
        "widgets/card.html",
        card=view,
        lang=locale.split("_")[0],
        json_ld=product_json_ld(view),
        og_availability=og_availability(view.product.get("availability")),
        availability_words=AVAILABILITY_WORDS.get(view.product.get("availability") or "", ""),
        variants=_variants(view, locale),
        click_id=click.id if click is not None and not click.is_bot else None,
        buy_url=url_for("checkout.buy_form", code=code),
        go_url=url_for("sharing.go", code=code),
        max_quantity=current_app.config["OGSTORE_MAX_QUANTITY"],
    )


def _variants(view: CardView, locale: str) -> list[dict]:
    """The offers a buyer chooses between, labelled with their attributes and price."""
    variants = []
    for offer in view.product.get("offers") or []:
        if not offer.get("sku") or not offer.get("attributes"):
            continue
        label = " / ".join(offer["attributes"].values())
        minor = catalog.price_minor(offer.get("price"), offer.get("currency"))
        if minor is not None:
            label += " — " + money.format_money(minor, offer["currency"], locale)
        unavailable = offer.get("availability") in catalog.UNAVAILABLE
        variants.append({"sku": offer["sku"], "label": label, "unavailable": unavailable})
    return variants


@bp.get("/c/<code>/go")
def go(code: str):
    """The way out to the merchant's own page, for shops that don't sell through ogstore."""
    card = services.get_card(code)
    return redirect(catalog.get_snapshot(card.product_id).url, 302)


@bp.get("/c/<code>/embed")
def embed_page(code: str):
    card = services.get_card(code)
    _visit(card, "embed")
    view = card_view(card, visitor_locale())
    response = current_app.make_response(render_template("widgets/embed.html", card=view))
    response.headers["Content-Security-Policy"] = "frame-ancestors *"
    return response


@bp.get("/c/<code>/og.png")
def og_image(code: str):
    view = card_view(services.get_card(code))
    response = Response(render_og_image(view), mimetype="image/png")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/c/<code>/qr.<any(svg, png):kind>")
def qr(code: str, kind: str):
    card = services.get_card(code)
    target = url_for("sharing.card_page", code=card.code, src="qr", _external=True)
    mimetype = "image/svg+xml" if kind == "svg" else "image/png"
    return Response(qr_code(target, kind), mimetype=mimetype)


@bp.get("/oembed")
def oembed():
    fmt = request.args.get("format", "json")
    if fmt != "json":
        raise ApiError("format_not_implemented", "Only format=json is served.", 501)
    card = services.get_card(_card_code(request.args.get("url", "")))
    view = card_view(card)
    return oembed_payload(
        view,
        provider_url=url_for("index", _external=True),
        author_url=view.share_url,
        maxwidth=request.args.get("maxwidth", type=int),
        maxheight=request.args.get("maxheight", type=int),
    )


def _card_code(url: str) -> str | None:
    """The card code in ``url`` if it is a card URL on this host, else None."""
    try:
        parts = urlsplit(url)
        endpoint, args = _CARD_URLS.bind(request.host).match(parts.path)
    except (HTTPException, ValueError):  # unparseable, or not a card path
        return None
    return args["code"] if parts.netloc == request.host else None
