"""A merchant proves it owns its domain with a tag on its own page."""


def test_a_merchant_verifies_with_its_tag(app, client, live_server):
    shop = live_server + "/demo/shop/"
    registered = client.post("/api/v1/merchants", json={"url": shop})
    assert registered.status_code == 201
    body = registered.get_json()
    assert body["verified"] is False
    assert body["domain"] == live_server.removeprefix("http://")
    token = body["verification_meta"].split('content="')[1].rstrip('">')

    # The shop's page still carries another token: not verified, and nothing changes.
    refused = client.post("/api/v1/merchants/verify", json={"url": shop})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "verification_failed"

    app.config["OGSTORE_DEMO_VERIFICATION_TOKEN"] = token  # the shop adds the tag
    verified = client.post("/api/v1/merchants/verify", json={"url": shop})
    assert verified.status_code == 200 and verified.get_json()["verified"] is True
    again = client.post("/api/v1/merchants", json={"url": shop}).get_json()
    assert again["verified"] is True and again["verification_meta"] == body["verification_meta"]


def test_merchant_bad_input(client):
    for body in ({}, {"url": 5}, {"url": "ftp://x.example/"}, {"url": "https://"}):
        response = client.post("/api/v1/merchants", json=body)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_url"
    blocked = client.post("/api/v1/merchants/verify", json={"url": "http://192.168.1.1/"})
    assert blocked.status_code == 403
