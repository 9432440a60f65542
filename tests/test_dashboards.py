"""Dashboards open from signed links and show the funnel and the money."""

import re

from plugin.accounts.services import login_token


def test_sharer_and_merchant_dashboards_show_a_sale(client, demo):
    started = client.post("/api/v1/checkout", json={"card": "trail-lena", "quantity": 1})
    checkout_path = "/" + started.get_json()["checkout_url"].split("/", 3)[3]
    assert client.post(checkout_path + "/pay").status_code == 303

    assert client.get("/dashboard").status_code == 401
    sharer_link = demo["sharer dashboard"].split("/", 3)[3]
    response = client.get("/" + sharer_link, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "@lena" in html
    earnings = r"<td>EUR</td><td>€89.00</td><td><strong>€8.90</strong></td>\s*<td>€8.90</td>"
    assert re.search(earnings, html)
    assert "/c/trail-lena" in html and "&lt;ogstore-card" in html

    merchant_link = demo["merchant dashboard"].split("/", 3)[3]
    html = client.get("/" + merchant_link, follow_redirects=True).get_data(as_text=True)
    assert "Trailhead Supply Co." in html and "@lena" in html and "€89.00" in html


def test_forged_login_links_are_refused(client, app):
    with app.app_context():
        token = login_token("sharer", 1)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/login/{forged}").status_code == 403
    assert client.get("/dashboard/merchant").status_code == 401


def test_balances_move_from_pending_to_approved_to_paid(app, client, demo):
    from datetime import timedelta

    from plugin.checkout.ledger import balances, create_payouts
    from plugin.models import utcnow
    from plugin.sharing.services import get_card

    started = client.post("/api/v1/checkout", json={"card": "trail-lena", "quantity": 2})
    client.post("/" + started.get_json()["checkout_url"].split("/", 3)[3] + "/pay")
    with app.app_context():
        sharer_id = get_card("trail-lena").sharer_id
        assert balances(sharer_id) == {"EUR": {"pending": 1780, "approved": 0, "paid": 0}}
        assert create_payouts(utcnow() + timedelta(days=13)) == []  # still in the refund window
        [payout] = create_payouts(utcnow() + timedelta(days=15))
        assert (payout.amount_minor, payout.currency) == (1780, "EUR")
        assert balances(sharer_id) == {"EUR": {"pending": 0, "approved": 0, "paid": 1780}}
        assert create_payouts(utcnow() + timedelta(days=30)) == []  # nothing is paid twice
