"""A shop starts selling on the web: its address, the tag that proves it, then its key."""

import re

from plugin.catalog import services as catalog


def form_fields(page: str) -> dict[str, str]:
    return dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))


def test_a_shop_proves_its_domain_and_lands_on_its_dashboard(app, client, live_server):
    shop = live_server + "/demo/shop/"
    start = client.get("/sell").get_data(as_text=True)
    claimed = client.post("/sell", data={**form_fields(start), "url": shop})
    page = claimed.get_data(as_text=True)
    assert claimed.status_code == 200 and claimed.headers["Cache-Control"] == "no-store"
    fields = form_fields(page)
    claim = fields["claim"]
    assert catalog.claim_token(claim) in page and "ogstore-site-verification" in page
    assert fields["url"] == shop

    # The tag is not in the shop's pages yet: refused, and the tag is shown again.
    refused = client.post("/sell", data=fields)
    assert refused.status_code == 422 and "add it to &lt;head&gt; and retry" in refused.text
    assert catalog.claim_token(claim) in refused.text
    assert client.get("/dashboard/merchant").status_code == 401

    app.config["OGSTORE_DEMO_MERCHANT_CLAIM"] = claim  # the shop adds the tag
    verified = client.post("/sell", data=fields)
    assert verified.status_code == 200 and verified.headers["Cache-Control"] == "no-store"
    [key] = re.findall(r"ogm_[\w-]+", verified.text)
    domain = live_server.removeprefix("http://")
    me = client.get("/api/v1/merchants/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status_code == 200 and me.get_json()["domain"] == domain
    dashboard = client.get("/dashboard/merchant")
    assert dashboard.status_code == 200 and f"{domain} · verified" in dashboard.text


def test_a_form_from_elsewhere_is_refused_and_echoes_nothing_live(client):
    """No session token: a page on another site cannot drive the steps (CSRF); what it
    sent comes back as text, never as a link or markup."""
    hostile = {"url": "javascript:alert(1)", "claim": '"><script>x()</script>'}
    refused = client.post("/sell", data=hostile)
    assert refused.status_code == 400 and "The form expired" in refused.text
    assert "<script>x()" not in refused.text and 'href="javascript' not in refused.text


def test_bad_addresses_are_explained(client):
    fields = form_fields(client.get("/sell").text)
    for url in ("", "ftp://shop.example/", "not a url"):
        refused = client.post("/sell", data={**fields, "url": url})
        assert refused.status_code == 400 and "the shop" in refused.text
    blocked = client.post("/sell", data={**fields, "url": "http://10.0.0.1/", "claim": "ogc_x"})
    assert blocked.status_code == 403
