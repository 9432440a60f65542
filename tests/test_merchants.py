"""A merchant proves it owns its domain with a tag on its own page, and gets an API key."""


def test_a_merchant_verifies_with_its_claim_and_gets_a_key(app, client, live_server):
    shop = live_server + "/demo/shop/"
    registered = client.post("/api/v1/merchants", json={"url": shop})
    assert registered.status_code == 201
    body = registered.get_json()
    assert body["verified"] is False
    assert body["domain"] == live_server.removeprefix("http://")
    claim = body["claim"]
    assert claim not in body["verification_meta"]  # the page shows only its hash

    # The shop's page still carries another claim's tag: not verified, no key.
    refused = client.post("/api/v1/merchants/verify", json={"url": shop, "claim": claim})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "verification_failed"

    app.config["OGSTORE_DEMO_MERCHANT_CLAIM"] = claim  # the shop adds the tag
    html = client.get("/demo/shop/").get_data(as_text=True)
    assert body["verification_meta"] in html
    verified = client.post("/api/v1/merchants/verify", json={"url": shop, "claim": claim})
    assert verified.status_code == 200
    key = verified.get_json()["api_key"]
    assert verified.get_json()["verified"] is True and key.startswith("ogm_")

    # Someone else registering later gets a claim of their own, useless against this page.
    other = client.post("/api/v1/merchants", json={"url": shop}).get_json()
    assert other["verified"] is True and other["claim"] != claim
    stolen = client.post("/api/v1/merchants/verify", json={"url": shop, "claim": other["claim"]})
    assert stolen.status_code == 422


def test_merchant_bad_input(client):
    for body in ({}, {"url": 5}, {"url": "ftp://x.example/"}, {"url": "https://"}):
        response = client.post("/api/v1/merchants", json=body)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_url"
    no_claim = client.post("/api/v1/merchants/verify", json={"url": "https://shop.example/"})
    assert no_claim.status_code == 400 and no_claim.get_json()["error"]["code"] == "invalid_claim"
    blocked = client.post(
        "/api/v1/merchants/verify", json={"url": "http://192.168.1.1/", "claim": "ogc_x"}
    )
    assert blocked.status_code == 403
