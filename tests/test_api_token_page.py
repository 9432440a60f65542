"""A sharer who signed up on the web makes an API token on the dashboard."""

import re


def test_a_new_token_works_once_shown_and_the_old_one_stops(app, demo):
    browser = app.test_client()
    assert browser.get("/" + demo["sharer dashboard"].split("/", 3)[3]).status_code == 302
    dashboard = browser.get("/dashboard").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', dashboard).group(1)

    made = browser.post("/dashboard/token", data={"csrf_token": csrf})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    [token] = re.findall(r"ogs_[\w-]+", made.get_data(as_text=True))

    api = app.test_client()
    stats = api.get("/api/v1/sharers/me/stats", headers={"Authorization": f"Bearer {token}"})
    assert stats.status_code == 200
    old = {"Authorization": "Bearer " + demo["sharer API token"]}
    assert api.get("/api/v1/sharers/me/stats", headers=old).status_code == 401


def test_no_token_without_the_form_token_or_a_login(app, demo):
    old = {"Authorization": "Bearer " + demo["sharer API token"]}
    assert app.test_client().post("/dashboard/token").status_code == 401
    browser = app.test_client()
    browser.get("/" + demo["sharer dashboard"].split("/", 3)[3])
    forged = browser.post("/dashboard/token", data={"csrf_token": "guess"})
    assert forged.status_code == 303 and "ogs_" not in forged.get_data(as_text=True)
    assert "The form expired" in browser.get("/dashboard").get_data(as_text=True)
    assert app.test_client().get("/api/v1/sharers/me/stats", headers=old).status_code == 200
