"""Sharers' API and everything a card is shown as.

Page, embed (wp-embed protocol), share image, QR, oEmbed (JSON and XML), printable
sheet, live stream overlay, and the sharer's own share page (``/share``).
"""

import secrets
from dataclasses import replace
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule

from plugin import money
from plugin.accounts import services as accounts
from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.extensions import cache, limiter
from plugin.sharing import services
from plugin.web import json_body, visitor_locale
from widgets import CardView
from widgets.oembed import FORMATS, oembed_payload, oembed_xml
from widgets.og_image import image_version, render_og_image, render_og_jpeg
from widgets.qr import qr_code
from widgets.snippets import embed_html, plain_iframe_html, share_links, share_text
from widgets.tags import AVAILABILITY_WORDS, og_availability, product_json_ld
from widgets.view import plain_text

bp = Blueprint("sharing", __name__, template_folder="templates")
bp.add_app_template_filter(plain_text, "plain")

# Which of our URLs are cards, for oEmbed consumers that pass any URL.
_CARD_URLS = Map([Rule("/c/<code>", endpoint="card")])
# A rendered share image is kept this long (a day), or briefly when its photo was missing.
OG_CACHE_SECONDS, OG_RETRY_SECONDS = 24 * 3600, 300
# Scaled within the oEmbed maxima, never beyond this (a sane bound on what we are asked).
_MAX_OEMBED_SIZE = 10_000


def card_view(card, locale: str = "en") -> CardView:
    """What the widgets render for ``card``, with absolute URLs on this host."""
    snapshot = catalog.get_snapshot(card.product_id)
    share_url = url_for("sharing.card_page", code=card.code, _external=True)
    price = snapshot.price_minor
    # The price before a discount, shown crossed out: only above the price, same currency.
    listed = catalog.price_minor(snapshot.data.get("list_price"), snapshot.currency)
    view = CardView(
        code=card.code,
        share_url=share_url,
        note=card.note,
        handle=card.sharer.handle,
        product=snapshot.data,
        price_display=money.format_money(price, snapshot.currency, locale)
        if price is not None
        else None,
        list_price_display=money.format_money(listed, snapshot.currency, locale)
        if price is not None and listed is not None and listed > price
        else None,
        merchant_domain=snapshot.merchant.domain,
        merchant_verified=snapshot.merchant.is_verified,
        buyable=catalog.is_buyable(snapshot),
        og_image_url="",
        qr_url=url_for("sharing.qr", code=card.code, kind="svg", _external=True),
        embed_url=url_for("sharing.embed_page", code=card.code, _external=True),
        oembed_url=url_for("sharing.oembed", url=share_url, format="json", _external=True),
        oembed_xml_url=url_for("sharing.oembed", url=share_url, format="xml", _external=True),
        sheet_url=url_for("sharing.sheet", code=card.code, _external=True),
        overlay_url=url_for("sharing.overlay", code=card.code, _external=True),
    )
    # The image's URL names what it shows: a new price is a new URL, which feeds refetch.
    og_image_url = url_for(
        "sharing.og_image", code=card.code, kind="png", v=image_version(view), _external=True
    )
    return replace(view, og_image_url=og_image_url)


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
@limiter.limit("10 per hour")
def create_sharer():
    body = json_body()
    sharer, token = services.create_sharer(body.get("handle"), body.get("email"))
    return {"id": sharer.id, "handle": sharer.handle, "token": token}, 201


@bp.post("/api/v1/cards")
def create_card():
    sharer = services.sharer_for_token(request.headers.get("Authorization"))
    body = json_body()
    card = services.create_card(
        sharer, body.get("url"), body.get("note"), reshare=body.get("reshare")
    )
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
    src = request.args.get("src")
    source = src if src in services.SCAN_SOURCES else "link"
    click = None if request.args.get("order") else _visit(card, source)
    locale = visitor_locale()
    view = card_view(card, locale)
    return render_template(
        "widgets/card.html",
        card=view,
        lang=locale.split("_")[0],
        json_ld=product_json_ld(view),
        og_availability=og_availability(view.availability),
        availability_words=AVAILABILITY_WORDS.get(view.availability or "", ""),
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
    """The way out to the merchant's own page, for shops that don't sell through ogstore.

    Counted (source ``outbound``), but not as another click: the card visit before it was.
    """
    card = services.get_card(code)
    click = _visit(card, "outbound")
    target = catalog.get_snapshot(card.product_id).url
    if not click.is_bot:  # the shop reports its own sales with this id: /api/v1/conversions
        target = services.with_click_id(target, click.id)
    return redirect(target, 302)


def _nonce() -> str:
    return secrets.token_urlsafe(16)


@bp.get("/c/<code>/embed")
def embed_page(code: str):
    """The card inside an iframe: WordPress's wp-embed protocol, no cookies, no storage."""
    card = services.get_card(code)
    _visit(card, "embed")
    view = card_view(card, visitor_locale())
    nonce = _nonce()
    response = current_app.make_response(
        render_template("widgets/embed.html", card=view, nonce=nonce)
    )
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
        "img-src http: https: data:; base-uri 'none'; form-action 'none'; frame-ancestors *"
    )
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


@bp.get("/c/<code>/og.<any(png, jpg):kind>")
def og_image(code: str, kind: str = "png"):
    """The share image, rendered once per version (what it shows) and kept in the cache."""
    view = card_view(services.get_card(code))
    version = image_version(view)
    key = f"og-image:{version}:{kind}"
    body = cache.get(key)
    if body is None:
        photo = services.product_photo(view.image)
        body = render_og_image(view, photo) if kind == "png" else render_og_jpeg(view, photo)
        missing_photo = view.image is not None and photo is None
        cache.set(key, body, timeout=OG_RETRY_SECONDS if missing_photo else OG_CACHE_SECONDS)
    response = Response(body, mimetype="image/png" if kind == "png" else "image/jpeg")
    response.cache_control.public = True
    if request.args.get("v") == version:  # this URL will always show this image
        response.cache_control.max_age = 365 * 24 * 3600
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = 300
    response.set_etag(f"{version}-{kind}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response.make_conditional(request)


@bp.get("/c/<code>/qr.<any(svg, png):kind>")
def qr(code: str, kind: str):
    """The card's QR code; its link says where it was scanned (``src=qr`` or ``overlay``)."""
    card = services.get_card(code)
    src = request.args.get("src")
    src = src if src in services.SCAN_SOURCES else "qr"
    target = url_for("sharing.card_page", code=card.code, src=src, _external=True)
    mimetype = "image/svg+xml" if kind == "svg" else "image/png"
    response = Response(qr_code(target, kind), mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 24 * 3600
    return response


@bp.get("/c/<code>/sheet")
def sheet(code: str):
    """A printable page to show the card face to face: QR, photo, price, the sharer's note."""
    view = card_view(services.get_card(code), visitor_locale())
    return render_template(
        "widgets/sheet.html",
        card=view,
        availability_words=AVAILABILITY_WORDS.get(view.availability or "", ""),
        qr_url=url_for("sharing.qr", code=view.code, kind="svg", _external=True),
    )


@bp.get("/c/<code>/overlay")
def overlay(code: str):
    """A transparent page for a streaming tool's browser source; its QR counts as overlay."""
    view = card_view(services.get_card(code), visitor_locale())
    response = current_app.make_response(
        render_template(
            "widgets/overlay.html",
            card=view,
            qr_url=url_for("sharing.qr", code=view.code, kind="svg", src="overlay", _external=True),
            scan_url=url_for("sharing.card_page", code=view.code, src="overlay", _external=True),
        )
    )
    response.cache_control.no_store = True
    return response


@bp.get("/oembed")
def oembed():
    """oEmbed 1.0: ``url`` (a card URL on this host), ``maxwidth``, ``maxheight``, ``format``."""
    fmt = request.args.get("format") or "json"
    if fmt not in FORMATS:
        raise ApiError("format_not_implemented", "format is json or xml.", 501)
    maxwidth, maxheight = _size("maxwidth"), _size("maxheight")
    card = services.get_card(_card_code(request.args.get("url", "")))
    view = card_view(card)
    payload = oembed_payload(
        view,
        provider_url=url_for("index", _external=True),
        author_url=view.share_url,
        maxwidth=maxwidth,
        maxheight=maxheight,
    )
    if fmt == "xml":
        response = Response(oembed_xml(payload), mimetype="text/xml")
    else:
        response = current_app.json.response(payload)
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.cache_control.public = True
    response.cache_control.max_age = payload["cache_age"]
    return response


def _size(name: str) -> int | None:
    """A positive integer ``maxwidth``/``maxheight``, None when absent, else a clear 400."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= _MAX_OEMBED_SIZE:
        raise ApiError("invalid_size", f"{name} is a whole number of pixels, 1 or more.", 400)
    return int(value)


def _card_code(url: str) -> str | None:
    """The card code in ``url`` if it is a card URL on this host, else None."""
    try:
        parts = urlsplit(url)
        endpoint, args = _CARD_URLS.bind(request.host).match(parts.path)
    except (HTTPException, ValueError):  # unparseable, or not a card path
        return None
    return args["code"] if parts.netloc == request.host else None


# --- the sharer's share page ---------------------------------------------------------


def _share_page(sharer, *, error: str | None = None, status: int = 200, **context):
    locale = visitor_locale()
    cards = [card_view(card, locale) for card in services.cards_of(sharer)] if sharer else []
    return render_template(
        "sharing/share.html",
        sharer=sharer,
        cards=cards,
        error=error,
        csrf_token=accounts.csrf_token(),
        note_max=services.NOTE_MAX,
        **context,
    ), status


@bp.route("/share", methods=["GET", "POST"])
def share():
    """Paste a product URL, add a note, get a card; then share it from ``/share/<code>``."""
    sharer = accounts.signed_in_sharer()
    if sharer is None:
        return _share_page(None, status=401)
    if request.method == "GET":
        return _share_page(sharer)
    form = {"url": request.form.get("url", ""), "note": request.form.get("note", "")}
    try:
        accounts.check_csrf(request.form.get("csrf_token"))
        card = services.create_card(sharer, form["url"], form["note"])
    except ApiError as error:
        return _share_page(sharer, error=error.message, status=error.status, form=form)
    return redirect(url_for("sharing.share_card", code=card.code), 303)


@bp.route("/share/<code>", methods=["GET", "POST"])
def share_card(code: str):
    """One card as feeds show it, its note, and everything to copy or post."""
    sharer = accounts.signed_in_sharer()
    if sharer is None:
        return _share_page(None, status=401)
    card = services.sharer_card(sharer, code)
    error, status = None, 200
    if request.method == "POST":
        try:
            accounts.check_csrf(request.form.get("csrf_token"))
            services.update_note(card, request.form.get("note", ""))
        except ApiError as problem:
            error, status = problem.message, problem.status
        else:
            return redirect(url_for("sharing.share_card", code=card.code), 303)
    view = card_view(card, visitor_locale())
    script_url = url_for("static", filename="js/embed.js", _external=True)
    return render_template(
        "sharing/share_card.html",
        sharer=sharer,
        card=view,
        error=error,
        csrf_token=accounts.csrf_token(),
        note_max=services.NOTE_MAX,
        share_text=share_text(view),
        share_links=share_links(view),
        snippets=[
            ("Widget (script)", embed_html(view, script_url)),
            ("iframe (no script)", plain_iframe_html(view, 480, 240)),
            ("oEmbed (WordPress, Ghost…)", view.share_url),
        ],
        qr_png_url=url_for("sharing.qr", code=view.code, kind="png", _external=True),
    ), status
