"""A reshared card remembers its parent; the merchant may pass commission up the chain."""

import pytest

from plugin.extensions import db
from plugin.sharing.models import Card, Sharer
from plugin.sharing.services import reshare_chain


def sharer(client, handle: str) -> dict:
    token = client.post("/api/v1/sharers", json={"handle": handle}).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def reshare(client, auth: dict, code: str) -> str:
    response = client.post(
        "/api/v1/cards", json={"reshare": code, "note": "via a friend"}, headers=auth
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def commission(client, auth: dict) -> dict:
    return client.get("/api/v1/sharers/me/stats", headers=auth).get_json()["commission"]


def pay(client, code: str) -> None:
    started = client.post("/api/v1/checkout", json={"card": code, "quantity": 10}).get_json()
    client.post("/" + started["checkout_url"].split("/", 3)[3] + "/pay")


@pytest.mark.parametrize(
    ("share_bps", "amounts"),
    [
        # 10 % of 890.00 is 89.00; no split unless the merchant allows it.
        (0, {"lena": {}, "ana": {}, "ben": {"EUR": "89.00"}}),
        # 20 % of each level passes up: ben 71.20, ana 14.24 (17.80 - 3.56), lena 3.56.
        (2000, {"lena": {"EUR": "3.56"}, "ana": {"EUR": "14.24"}, "ben": {"EUR": "71.20"}}),
    ],
)
def test_commission_is_split_along_two_levels(app, client, demo, share_bps, amounts):
    merchant = {"Authorization": "Bearer " + demo["merchant API key"]}
    settings = client.patch(
        "/api/v1/merchants/me", json={"reshare_share_bps": share_bps}, headers=merchant
    )
    assert settings.status_code == 200
    lena = {"Authorization": "Bearer " + demo["sharer API token"]}
    ana, ben = sharer(client, "ana"), sharer(client, "ben")
    ana_card = reshare(client, ana, "trail-lena")
    ben_card = reshare(client, ben, ana_card)
    pay(client, ben_card)
    got = {
        name: commission(client, auth)
        for name, auth in (("lena", lena), ("ana", ana), ("ben", ben))
    }
    expected = {name: value for name, value in amounts.items()}
    for name in got:
        assert got[name] == (
            {} if expected[name] == {"EUR": "0.00"} and not got[name] else expected[name]
        )


def test_a_reshare_sells_the_same_product_and_unknown_parents_are_refused(client, demo):
    ana = sharer(client, "ana")
    code = reshare(client, ana, "trail-lena")
    card = client.get(f"/api/v1/cards/{code}").get_json()
    assert card["product"]["name"] == "Alpine Trail Runner Backpack 18L"
    missing = client.post("/api/v1/cards", json={"reshare": "nope"}, headers=ana)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "card_not_found"


def test_three_levels_up_only_two_are_paid(app, client, demo):
    from plugin.checkout.ledger import _split

    assert _split(10_000, seller=3, chain=[2, 1], share_bps=5000) == {3: 5000, 2: 2500, 1: 2500}
    assert sum(_split(12_345, 4, [3, 2], 3333).values()) == 12_345
    ana, ben, cai = sharer(client, "ana"), sharer(client, "ben"), sharer(client, "cai")
    third = reshare(client, cai, reshare(client, ben, reshare(client, ana, "trail-lena")))
    with app.app_context():
        card = db.session.query(Card).filter_by(code=third).one()
        handles = [db.session.get(Sharer, s).handle for s in reshare_chain(card.id)]
    assert handles == ["ben", "ana"]  # lena, three levels up, earns nothing from this card
