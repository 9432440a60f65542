"""The share image: 1200×630, under 300 KB, the photo fetched safely, a URL per version.

SQLite only (rendering is the slow part, not the database).
"""

import io
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image, ImageChops

from plugin.catalog.models import ProductSnapshot
from plugin.extensions import db
from plugin.sharing import services
from widgets.og_image import image_version, open_photo, render_og_image
from widgets.view import CardView


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def og_url(client, code: str) -> str:
    return client.get(f"/api/v1/cards/{code}").get_json()["og_image_url"]


def local(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + "?" + parts.query


def test_image_shows_the_photo_and_stays_small(client, demo):
    url = og_url(client, "trail-lena")
    response = client.get(local(url))
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert len(response.data) < 300_000
    assert response.cache_control.max_age == 365 * 24 * 3600  # this URL never changes
    image = Image.open(io.BytesIO(response.data)).convert("RGB")
    assert image.size == (1200, 630)
    # The demo backpack photo (an orange-ish pack on a gradient) fills the right side.
    photo_area = image.crop((680, 80, 1120, 550)).getcolors(1_000_000)
    assert len(photo_area) > 50  # a picture, not the plain paper colour
    assert image.getpixel((640, 10)) == (0xFB, 0xF8, 0xF3)  # paper around it, nothing cropped
    jpeg = client.get(f"/c/trail-lena/og.jpg?{urlsplit(url).query}")
    assert jpeg.mimetype == "image/jpeg" and len(jpeg.data) < 300_000
    assert Image.open(io.BytesIO(jpeg.data)).size == (1200, 630)


def test_a_price_change_gives_a_new_url_and_a_new_image(app, client, demo, monkeypatch):
    fetched = []
    real = services.product_photo
    monkeypatch.setattr(services, "product_photo", lambda url: fetched.append(url) or real(url))
    before = og_url(client, "trail-lena")
    first = client.get(local(before)).data
    assert client.get(local(before)).data == first
    assert len(fetched) == 1  # rendered once, then served from the cache
    with app.app_context():
        snapshot = db.session.scalars(db.select(ProductSnapshot)).first()
        card_snapshot = services.get_card("trail-lena").product_id
        snapshot = db.session.get(ProductSnapshot, card_snapshot)
        snapshot.price_minor = 7900
        snapshot.data = {**snapshot.data, "price": "79.00"}
        db.session.commit()
    after = og_url(client, "trail-lena")
    assert after != before
    assert parse_qs(urlsplit(after).query)["v"] != parse_qs(urlsplit(before).query)["v"]
    page = client.get("/c/trail-lena").get_data(as_text=True)
    assert f'<meta property="og:image" content="{after}">' in page
    assert client.get(local(after)).data != first
    # An old URL still answers (with the current image), but is not cached for long.
    stale = client.get(local(before))
    assert stale.status_code == 200 and stale.cache_control.max_age == 300


def test_photo_is_fetched_through_the_safe_fetcher(app, client, demo):
    with app.test_request_context():
        app.config["OGSTORE_FETCH_ALLOW"] = ""  # loopback is refused again
        assert services.product_photo(demo["base_url"] + "/demo/shop/images/x.png") is None
        app.config["OGSTORE_FETCH_ALLOW"] = "127.0.0.1"
        assert services.product_photo(demo["base_url"] + "/demo/shop/") is None  # HTML
        assert services.product_photo("javascript:alert(1)") is None
        assert services.product_photo("http://169.254.169.254/latest/") is None


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#336699").save(out, format="PNG")
    return out.getvalue()


def test_broken_and_hostile_photos_are_left_out():
    bomb = bytearray(_png((8, 8)))
    bomb[16:24] = (60000).to_bytes(4, "big") + (60000).to_bytes(4, "big")  # claims 3.6 Gpx
    for data in (b"", b"not an image", bytes(bomb), b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        assert open_photo(data) is None
    assert open_photo(_png((40, 20))).size == (40, 20)
    card = _card(
        product={"name": "A " * 200, "price": "1.00", "currency": "EUR"}, price_display="€1.00"
    )
    plain = render_og_image(card)
    assert render_og_image(card, bytes(bomb)) == plain
    assert Image.open(io.BytesIO(render_og_image(card, _png((3000, 200))))).size == (1200, 630)


def test_bidi_overrides_do_not_reach_the_pixels():
    assert render_og_image(_card(product={"name": "Holiday \u202egnp.exe"})) == render_og_image(
        _card(product={"name": "Holiday gnp.exe"})
    )


def test_a_list_price_is_drawn_beside_the_price_and_names_a_new_image():
    def card(list_price_display: str | None, price_display: str = "€89.00") -> CardView:
        product = {"name": "Backpack", "price": "89.00", "currency": "EUR"}
        return _card(
            product=product, price_display=price_display, list_price_display=list_price_display
        )

    plain, sale = card(None), card("€109.00")
    assert image_version(plain) != image_version(sale)
    plain_pixels = Image.open(io.BytesIO(render_og_image(plain))).convert("RGB")
    sale_pixels = Image.open(io.BytesIO(render_og_image(sale))).convert("RGB")
    changed = ImageChops.difference(plain_pixels, sale_pixels).getbbox()
    # Only right of the price, on the price's line.
    assert changed is not None and changed[0] > 300 and 200 < changed[1] < changed[3] < 420
    # A price too wide to leave room: the list price is left out, not drawn over.
    wide = "€" + "8" * 30
    assert render_og_image(card("€109.00", wide)) == render_og_image(card(None, wide))


def _card(**fields) -> CardView:
    """A card for drawing, without the app: ``fields`` override a plain one."""
    plain = {
        "code": "x",
        "share_url": "https://o.example/c/x",
        "note": "",
        "handle": "eve",
        "product": {"name": "Backpack"},
        "price_display": None,
        "merchant_domain": "shop.example",
        "merchant_verified": True,
        "buyable": True,
        "og_image_url": "",
        "qr_url": "",
        "embed_url": "",
        "oembed_url": "",
    }
    return CardView(**{**plain, **fields})
