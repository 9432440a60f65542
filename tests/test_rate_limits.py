"""Strangers cannot make ogstore send mail or create accounts without limit."""

import pytest


@pytest.fixture
def limited(app_factory):
    return app_factory(RATELIMIT_ENABLED=True).test_client()


@pytest.mark.parametrize("form", ["/login", "/signup"])
def test_forms_that_send_mail_are_limited_per_client(limited, form):
    data = {"email": "a@example.com", "handle": "ana"}
    answers = [limited.post(form, data=data).status_code for _ in range(7)]
    assert answers == [200] * 5 + [429] * 2
    assert limited.get(form).status_code == 200  # the form itself is not limited


def test_sharer_sign_ups_are_limited_with_the_api_error_shape(limited):
    answers = [limited.post("/api/v1/sharers", json={"handle": f"user_{n}"}) for n in range(11)]
    assert [a.status_code for a in answers[:10]] == [201] * 10
    assert answers[10].status_code == 429
    assert answers[10].get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in answers[10].headers


def test_behind_a_proxy_limits_follow_the_forwarded_client(app_factory):
    client = app_factory(RATELIMIT_ENABLED=True, OGSTORE_PROXY_HOPS=1).test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "shop.ogstore.example"}
    for n in range(10):
        headers = forwarded | {"X-Forwarded-For": "198.51.100.7"}
        assert (
            client.post("/api/v1/sharers", json={"handle": f"a_{n}"}, headers=headers).status_code
            == 201
        )
    blocked = client.post(
        "/api/v1/sharers",
        json={"handle": "a_x"},
        headers=forwarded | {"X-Forwarded-For": "198.51.100.7"},
    )
    assert blocked.status_code == 429
    other = client.post(
        "/api/v1/sharers",
        json={"handle": "b_1"},
        headers=forwarded | {"X-Forwarded-For": "203.0.113.5"},
    )
    assert other.status_code == 201  # another client has its own allowance
