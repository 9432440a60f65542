"""Sharers sign up on a web page: a handle and an address, then the mailed link logs them in."""

import logging
import re

import pytest
from markupsafe import escape

from plugin.extensions import db
from plugin.sharing.models import Sharer


def mailed_links(caplog) -> list[str]:
    return re.findall(r"http://localhost(/login/\S+)", caplog.text)


def sharers() -> list[tuple[str, str]]:
    return [(s.handle, s.email) for s in db.session.scalars(db.select(Sharer).order_by(Sharer.id))]


def test_sign_up_then_the_mailed_link_opens_the_share_page(app, client, caplog):
    form = client.get("/signup").get_data(as_text=True)
    assert 'name="handle"' in form and 'name="email"' in form
    with caplog.at_level(logging.WARNING, logger="plugin.mail"):
        sent = client.post("/signup", data={"handle": "Mira_K", "email": "Mira@Example.com "})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 200 and "on its way" in page
    assert "the link is in its log" in page  # no SMTP here: the log backend, said plainly
    with app.app_context():
        assert sharers() == [("mira_k", "mira@example.com")]
    assert "to mira@example.com — Welcome to ogstore" in caplog.text
    [link] = mailed_links(caplog)
    opened = client.get(link)  # no card yet: straight to making the first one
    assert opened.status_code == 302 and opened.headers["Location"] == "/share"
    assert "Share a product, @mira_k" in client.get("/share").get_data(as_text=True)


def test_an_address_with_an_account_gets_a_login_link_and_the_same_answer(app, client, caplog):
    client.post("/api/v1/sharers", json={"handle": "noor", "email": "noor@example.com"})
    with caplog.at_level(logging.WARNING, logger="plugin.mail"):
        sent = client.post("/signup", data={"handle": "someone", "email": "NOOR@example.com"})
    assert sent.status_code == 200 and "on its way" in sent.get_data(as_text=True)
    assert "Your ogstore login link" in caplog.text and "Hello @noor" in caplog.text
    assert len(mailed_links(caplog)) == 1
    with app.app_context():
        assert sharers() == [("noor", "noor@example.com")]  # nobody new, nothing taken over


@pytest.mark.parametrize(
    ("handle", "email", "status", "message"),
    [
        ("noor", "other@example.com", 409, "That handle or e-mail address is taken"),
        ("<b>x</b>", "x@example.com", 422, "A handle is 2 to 30 letters"),
        ("a", "a@example.com", 422, "A handle is 2 to 30 letters"),
        ("mira", "not an address", 422, "That is not an e-mail address"),
        ("mira", "   ", 422, "an address is needed"),
    ],
)
def test_a_refused_sign_up_says_why_and_keeps_what_was_typed(
    app, client, caplog, handle, email, status, message
):
    client.post("/api/v1/sharers", json={"handle": "noor", "email": "noor@example.com"})
    with caplog.at_level(logging.WARNING, logger="plugin.mail"):
        refused = client.post("/signup", data={"handle": handle, "email": email})
    page = refused.get_data(as_text=True)
    assert refused.status_code == status and message in page
    assert f'value="{escape(handle)}"' in page and "<b>x</b>" not in page  # kept, escaped
    assert mailed_links(caplog) == []
    with app.app_context():
        assert sharers() == [("noor", "noor@example.com")]


def test_the_way_in_is_linked_from_every_page(client):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/signup"' in home and 'href="/login"' in home
    assert 'href="/signup"' in client.get("/share").get_data(as_text=True)  # logged out
    assert 'href="/signup"' in client.get("/login").get_data(as_text=True)
