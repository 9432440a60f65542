"""Login without passwords: one-time links, mailed to sharers, asked for by merchants."""

import logging
import re


def test_a_sharer_logs_in_once_with_a_mailed_link(app, client, caplog):
    client.post("/api/v1/sharers", json={"handle": "noor", "email": "Noor@Example.com"})
    with caplog.at_level(logging.WARNING, logger="plugin.mail"):
        sent = client.post("/login", data={"email": "noor@example.com"})
    assert sent.status_code == 200 and "on its way" in sent.get_data(as_text=True)
    [link] = re.findall(r"http://localhost(/login/\S+)", caplog.text)
    assert client.get(link).status_code == 302
    assert "@noor" in client.get("/dashboard").get_data(as_text=True)
    fresh = app.test_client()
    used = fresh.get(link)
    assert used.status_code == 403 and "used already" in used.get_json()["error"]["message"]
    assert fresh.get("/dashboard").status_code == 401


def test_unknown_addresses_get_the_same_answer_and_no_mail(client, caplog):
    with caplog.at_level(logging.WARNING, logger="plugin.mail"):
        sent = client.post("/login", data={"email": "nobody@example.com"})
    assert sent.status_code == 200 and "on its way" in sent.get_data(as_text=True)
    assert "/login/" not in caplog.text


def test_a_sharer_with_cards_lands_on_the_dashboard(client, demo):
    opened = client.get("/" + demo["sharer dashboard"].split("/", 3)[3])
    assert opened.status_code == 302 and opened.headers["Location"] == "/dashboard"


def test_a_merchant_asks_for_a_link_with_its_key(client, demo):
    key = {"Authorization": "Bearer " + demo["merchant API key"]}
    assert client.post("/api/v1/merchants/me/login-link").status_code == 401
    url = client.post("/api/v1/merchants/me/login-link", headers=key).get_json()["url"]
    assert client.get(url.removeprefix("http://localhost")).status_code == 302
    assert "Trailhead Supply Co." in client.get("/dashboard/merchant").get_data(as_text=True)


def test_forged_and_foreign_tokens_are_refused(client, demo):
    link = demo["sharer dashboard"].split("/", 3)[3]
    forged = "/" + link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    assert client.get(forged).status_code == 403
    assert client.get("/login/not-a-token").status_code == 403
