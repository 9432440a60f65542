"""The card page over HTTP, read back as unfurlers read it (BeautifulSoup, extruct).

Runs on SQLite and PostgreSQL. Crawlers are impressions, never clicks; QR and overlay
scans are clicks with their own source; the way out to the shop is counted apart.
"""

import io
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import extruct
from bs4 import BeautifulSoup
from PIL import Image

from plugin.extensions import db
from plugin.sharing.models import Click
from widgets.qr import qr_code, qr_symbol

CARDS = (
    "trail-lena",
    "merino-crew-sweater-lena",
    "ceramic-pour-over-set-lena",
    "field-notebook-3pack-lena",
)
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"
CRAWLERS = {
    "facebookexternalhit": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Twitterbot": "Twitterbot/1.0",
    "LinkedInBot": "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Discordbot": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "WhatsApp": "WhatsApp/2.23.20.0 A",
    "TelegramBot": "TelegramBot (like TwitterBot)",
    "Pinterestbot": "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
    "Applebot": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1)",
    "iMessage": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 "
    "(KHTML, like Gecko) Version/9.0.1 Safari/601.2.4 facebookexternalhit/1.1 Facebot "
    "Twitterbot/1.0",
    "WordPress": "WordPress/6.6; https://blog.example",
}


def expected(client, code: str) -> dict:
    """What ogstore itself says the card shows (the widget API)."""
    return client.get(f"/api/v1/cards/{code}").get_json()


def meta(soup: BeautifulSoup, key: str) -> str | None:
    tag = soup.find("meta", attrs={"property": key}) or soup.find("meta", attrs={"name": key})
    return tag["content"] if tag else None


def clicks(app) -> list[Click]:
    with app.app_context():
        return list(db.session.scalars(db.select(Click).order_by(Click.id)))


def test_every_card_unfurls_with_beautifulsoup_and_extruct(client, demo):
    for code in CARDS:
        check_unfurls(client, code)


def check_unfurls(client, code: str) -> None:
    card = expected(client, code)
    product = card["product"]
    response = client.get(f"/c/{code}", headers={"User-Agent": CRAWLERS["facebookexternalhit"]})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")

    # BeautifulSoup, as a simple unfurler: the tags are there, early in <head>.
    head = soup.head
    assert meta(head, "og:type") == "product"
    assert meta(head, "og:title") == product["name"]
    assert meta(head, "og:url") == card["share_url"]
    assert meta(head, "og:image") == card["og_image_url"]
    assert (meta(head, "og:image:width"), meta(head, "og:image:height")) == ("1200", "630")
    assert meta(head, "og:image:type") == "image/png"
    assert product["name"] in meta(head, "og:image:alt")
    assert meta(head, "og:site_name") == "ogstore"
    assert meta(head, "og:description")
    assert meta(head, "product:price:amount") == product["price"]
    assert meta(head, "product:price:currency") == product["currency"]
    assert meta(head, "product:availability") in ("in stock", "out of stock")
    assert meta(head, "product:brand") == product["brand"]
    assert meta(head, "product:retailer_item_id") == product["sku"]
    assert meta(head, "twitter:card") == "summary_large_image"
    assert meta(head, "twitter:title") == product["name"]
    assert meta(head, "twitter:image") == card["og_image_url"]
    assert meta(head, "twitter:image:alt") == product["name"]
    assert meta(head, "twitter:label1") == "Price"
    assert meta(head, "robots") == "noindex"
    assert meta(head, "theme-color")
    first_tags = [tag.get("property") or tag.get("name") for tag in head.find_all("meta")[:3]]
    assert "og:type" in first_tags or "og:title" in first_tags  # early, before any style
    links = {link["type"]: link["href"] for link in head.find_all("link", rel="alternate")}
    assert parse_qs(urlsplit(links["application/json+oembed"]).query)["format"] == ["json"]
    assert parse_qs(urlsplit(links["text/xml+oembed"]).query)["format"] == ["xml"]

    # extruct reads Open Graph and JSON-LD the way search and social crawlers do.
    data = extruct.extract(html, base_url=card["share_url"], syntaxes=["opengraph", "json-ld"])
    og = dict(data["opengraph"][0]["properties"])
    assert og["og:title"] == product["name"]
    assert og["og:image"] == card["og_image_url"]
    assert og["product:price:amount"] == product["price"]
    assert og["product:price:currency"] == product["currency"]
    (ld,) = [item for item in data["json-ld"] if item.get("@type") == "Product"]
    assert ld["name"] == product["name"]
    assert ld["image"] == product["images"]
    assert Decimal(ld["offers"]["price"]) == Decimal(product["price"])
    assert ld["offers"]["priceCurrency"] == product["currency"]
    assert ld["offers"]["availability"] == "https://schema.org/" + product["availability"]

    # The visible card: photo, name, price for the visitor's language, the sharer.
    assert soup.find("h1").get_text() == product["name"]
    assert soup.find("img", src=product["images"][0])
    assert "@lena" in soup.get_text()


def test_price_is_formatted_for_the_visitors_language(client, demo):
    german = client.get("/c/trail-lena", headers={"Accept-Language": "de-DE,de;q=0.9"})
    soup = BeautifulSoup(german.get_data(as_text=True), "html.parser")
    price = soup.find(class_="price")
    # The backpack is on sale: its price before the discount is shown crossed out.
    assert price.find(string=True, recursive=False).strip() == "89,00\xa0€"
    assert price.find("s", class_="was").get_text() == "was 109,00\xa0€"
    assert soup.html["lang"] == "de"
    yen = client.get("/c/field-notebook-3pack-lena", headers={"Accept-Language": "en"})
    soup = BeautifulSoup(yen.get_data(as_text=True), "html.parser")
    assert soup.find(class_="price").get_text().startswith("¥")
    assert soup.find("s", class_="was") is None


def test_a_list_price_is_shown_only_above_the_price(app, client, demo):
    """A list price at or below the price (a page's mistake) is not a discount."""
    from plugin.catalog.models import ProductSnapshot

    with app.app_context():
        for snapshot in db.session.scalars(db.select(ProductSnapshot)):
            if snapshot.data.get("list_price"):
                snapshot.data = {**snapshot.data, "list_price": snapshot.data["price"]}
        db.session.commit()
    soup = BeautifulSoup(client.get("/c/trail-lena").get_data(as_text=True), "html.parser")
    assert soup.find(class_="price").get_text() == "€89.00"


def test_crawlers_get_the_same_page_and_count_as_impressions(app, client, demo):
    human = client.get("/c/trail-lena", headers={"User-Agent": BROWSER})
    human_soup = BeautifulSoup(human.get_data(as_text=True), "html.parser")
    assert human_soup.find("input", attrs={"name": "click"})["value"].isdigit()
    for name, agent in CRAWLERS.items():
        crawled = client.get("/c/trail-lena", headers={"User-Agent": agent})
        assert crawled.status_code == 200, name
        soup = BeautifulSoup(crawled.get_data(as_text=True), "html.parser")
        assert soup.find("input", attrs={"name": "click"})["value"] == "", name  # no credit
        assert meta(soup.head, "og:title") == meta(human_soup.head, "og:title"), name
        assert meta(soup.head, "og:image") == meta(human_soup.head, "og:image"), name
        assert clicks(app)[-1].is_bot, name
    assert [c.is_bot for c in clicks(app)] == [False] + [True] * len(CRAWLERS)


def test_head_requests_are_impressions(app, client, demo):
    assert client.head("/c/trail-lena", headers={"User-Agent": BROWSER}).status_code == 200
    assert [c.is_bot for c in clicks(app)] == [True]


def test_qr_and_overlay_scans_are_clicks_with_their_source(app, client, demo):
    svg = client.get("/c/trail-lena/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    png = client.get("/c/trail-lena/qr.png")
    assert png.mimetype == "image/png"
    image = Image.open(io.BytesIO(png.data))
    assert image.size[0] == image.size[1] >= 200
    assert image.convert("L").getpixel((8, 8)) == 255  # the quiet zone is white
    # The QR encodes the card's URL marked src=qr, at error level M or better.
    target = "http://localhost/c/trail-lena?src=qr"
    assert svg.data == qr_code(target, "svg") and png.data == qr_code(target, "png")
    assert qr_symbol(target).error in ("M", "Q", "H")
    overlay = "http://localhost/c/trail-lena?src=overlay"
    assert client.get("/c/trail-lena/qr.svg?src=overlay").data == qr_code(overlay, "svg")
    client.get("/c/trail-lena?src=qr", headers={"User-Agent": BROWSER})
    client.get("/c/trail-lena?src=overlay", headers={"User-Agent": BROWSER})
    client.get("/c/trail-lena?src=bogus", headers={"User-Agent": BROWSER})
    assert [(c.source, c.is_bot) for c in clicks(app)] == [
        ("qr", False),
        ("overlay", False),
        ("link", False),
    ]


def test_the_way_out_to_the_shop_is_counted_but_not_as_a_click(app, client, demo):
    client.post("/api/v1/sharers", json={"handle": "sam"})
    page = client.get("/c/ceramic-pour-over-set-lena", headers={"User-Agent": BROWSER})
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    view = soup.find("a", string=lambda s: s and s.startswith("View at"))
    assert view is not None and "sponsored" in view["rel"]
    out = client.get(view["href"], headers={"User-Agent": BROWSER})
    assert out.status_code == 302
    assert "/demo/shop/products/ceramic-pour-over-set?ogstore_click=" in out.location
    assert [c.source for c in clicks(app)] == ["link", "outbound"]
    assert out.location.endswith(f"ogstore_click={clicks(app)[1].id}")
    with app.app_context():
        from plugin.sharing import services

        card = services.get_card("ceramic-pour-over-set-lena")
        assert services.visit_counts(card.sharer_id) == {"clicks": 1, "impressions": 0}


def test_share_sheet_and_overlay(client, demo):
    card = expected(client, "trail-lena")
    sheet = client.get("/c/trail-lena/sheet")
    assert sheet.status_code == 200
    soup = BeautifulSoup(sheet.get_data(as_text=True), "html.parser")
    assert soup.find("h1").get_text() == card["product"]["name"]
    assert soup.find(class_="price").get_text() == "€89.00 was €109.00"
    assert "Carried it on every dawn run" in soup.find("blockquote").get_text()
    qr = soup.find("img", src=lambda s: s and "/qr.svg" in s)
    assert qr is not None and "src=overlay" not in qr["src"]
    assert soup.find("img", src=card["product"]["images"][0])
    assert "@media print" in sheet.get_data(as_text=True)

    overlay = client.get("/c/trail-lena/overlay")
    assert overlay.status_code == 200
    html = overlay.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert "background:transparent" in html.replace(" ", "")
    qr = soup.find("img", src=lambda s: s and "/qr.svg" in s)
    assert parse_qs(urlsplit(qr["src"]).query)["src"] == ["overlay"]
    assert soup.find(class_="name").get_text() == card["product"]["name"]
    assert soup.find(class_="price").get_text() == "€89.00 was €109.00"
    assert "@lena" in soup.get_text()
    overlay_qr = client.get(qr["src"].removeprefix("http://localhost"))
    assert overlay_qr.status_code == 200


def test_json_ld_is_one_product_with_its_offer(client, demo):
    html = client.get("/c/trail-lena").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    (script,) = soup.find_all("script", type="application/ld+json")
    ld = json.loads(script.string)
    assert ld["@type"] == "Product" and ld["offers"]["@type"] == "Offer"
    assert ld["offers"]["price"] == "89.00" and ld["offers"]["priceCurrency"] == "EUR"
