"""The sharer's share page: paste a URL, see the preview, edit the note, copy and post.

Runs on SQLite and PostgreSQL.
"""

from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup

from plugin.accounts.services import login_token
from plugin.extensions import db
from plugin.sharing.models import Card, Sharer

NETWORKS = ("X", "Facebook", "LinkedIn", "Pinterest", "WhatsApp", "Telegram", "E-mail")


def log_in(app, client, handle: str = "lena") -> None:
    with app.app_context():
        sharer = db.session.scalar(db.select(Sharer).filter_by(handle=handle))
        token = login_token("sharer", sharer.id)
    assert client.get(f"/login/{token}").status_code == 302


def csrf(page) -> str:
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    return soup.find("input", attrs={"name": "csrf_token"})["value"]


def test_share_page_needs_a_signed_in_sharer(client, demo):
    assert client.get("/share").status_code == 401
    assert client.post("/share", data={"url": "x"}).status_code == 401
    assert client.get("/share/trail-lena").status_code == 401


def test_paste_a_url_preview_edit_note_copy_and_share(app, client, demo):
    log_in(app, client)
    page = client.get("/share")
    assert page.status_code == 200
    token = csrf(page)
    product_url = demo["base_url"] + "/demo/shop/products/field-notebook-3pack"

    # Without the form's token nothing is created.
    with app.app_context():
        before = db.session.query(Card).count()
    refused = client.post("/share", data={"url": product_url, "note": "hi"})
    assert refused.status_code == 400
    forged = client.post("/share", data={"url": product_url, "csrf_token": "forged"})
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.query(Card).count() == before

    bad = client.post("/share", data={"url": "ftp://nope", "csrf_token": token})
    assert bad.status_code == 400 and 'role="alert"' in bad.get_data(as_text=True)

    made = client.post(
        "/share", data={"url": product_url, "note": "Best notes", "csrf_token": token}
    )
    assert made.status_code == 303
    share_path = urlsplit(made.location).path
    code = share_path.rsplit("/", 1)[1]
    page = client.get(share_path)
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    card = client.get(f"/api/v1/cards/{code}").get_json()

    # The preview as feeds show it: the share image, title and the note under it.
    preview = soup.find("figure", class_="large")
    assert preview.img["src"] == card["og_image_url"]
    assert preview.strong.get_text() == card["product"]["name"]
    assert "Best notes" in preview.get_text()

    # Everything to copy: the link, the snippets, the QR.
    assert soup.find("input", id="link")["value"] == card["share_url"]
    snippets = [area.get_text() for area in soup.find_all("textarea", readonly=True)]
    assert any(f'code="{code}"' in s and "embed.js" in s for s in snippets)
    assert any("<iframe" in s and f"/c/{code}/embed" in s for s in snippets)
    assert soup.find("img", src=card["qr_url"])
    assert soup.find("a", href=lambda h: h and h.endswith(f"/c/{code}/qr.png"))
    assert soup.find("a", href=lambda h: h and h.endswith(f"/c/{code}/sheet"))
    assert soup.find("a", href=lambda h: h and h.endswith(f"/c/{code}/overlay"))

    # Share links for each network, with the card's URL inside; the Web Share button.
    links = {a.get_text(): a["href"] for a in soup.find_all("a", class_="network")}
    assert tuple(links) == NETWORKS
    for network, href in links.items():
        query = parse_qs(urlsplit(href).query)
        assert any(card["share_url"] in value for values in query.values() for value in values), (
            network
        )
    assert parse_qs(urlsplit(links["Pinterest"]).query)["media"] == [card["og_image_url"]]
    assert soup.find("button", id="web-share")["data-url"] == card["share_url"]

    # Edit the note: the card (and every feed's description) follows.
    edited = client.post(share_path, data={"note": "Now my daily", "csrf_token": token})
    assert edited.status_code == 303
    assert client.get(f"/api/v1/cards/{code}").get_json()["note"] == "Now my daily"
    too_long = client.post(share_path, data={"note": "x" * 501, "csrf_token": token})
    assert too_long.status_code == 422
    no_token = client.post(share_path, data={"note": "sneaky"})
    assert no_token.status_code == 400
    assert client.get(f"/api/v1/cards/{code}").get_json()["note"] == "Now my daily"


def test_a_sharer_only_sees_their_own_cards(app, client, demo):
    client.post("/api/v1/sharers", json={"handle": "other"})
    log_in(app, client, "other")
    assert client.get("/share/trail-lena").status_code == 404
