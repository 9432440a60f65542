"""The ``ogstore`` console script, as a newcomer runs it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

OGSTORE = Path(sys.executable).with_name("ogstore")
PAGE = """<html><head>
<meta property="og:type" content="product"><meta property="og:title" content="Enamel Mug">
<meta property="product:price:amount" content="14.50">
<meta property="product:price:currency" content="EUR">
</head><body></body></html>"""


def ogstore(*args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "OGSTORE_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite",
        "OGSTORE_FETCH_ALLOW": "",
    }
    return subprocess.run(
        [str(OGSTORE), *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_extract_from_a_saved_page_prints_product_json(tmp_path):
    page = tmp_path / "mug.html"
    page.write_text(PAGE)
    result = ogstore(
        "extract", "--html", str(page), "--url", "https://shop.example/mug", tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stderr
    product = json.loads(result.stdout)
    assert (product["name"], product["price"], product["currency"]) == (
        "Enamel Mug",
        "14.50",
        "EUR",
    )
    assert product["url"] == "https://shop.example/mug"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("extract", "http://127.0.0.1:9/"), "blocked_address"),
        (("extract", "file:///etc/passwd"), "invalid_url"),
    ],
)
def test_extract_failures_exit_non_zero_with_the_code(tmp_path, args, code):
    result = ogstore(*args, tmp_path=tmp_path)
    assert result.returncode != 0
    assert f"error: {code}:" in result.stderr


def test_extract_of_a_page_without_a_product(tmp_path):
    page = tmp_path / "blog.html"
    page.write_text("<html><head><title>Just a post</title></head><body>Hi</body></html>")
    result = ogstore(
        "extract", "--html", str(page), "--url", "https://blog.example/", tmp_path=tmp_path
    )
    assert result.returncode != 0 and "error: no_product:" in result.stderr


def test_db_upgrade_then_seed_prints_the_urls_to_open(tmp_path):
    assert ogstore("db", "upgrade", tmp_path=tmp_path).returncode == 0
    seeded = ogstore("demo", "seed", "--base-url", "http://127.0.0.1:5099", tmp_path=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    for label in (
        "demo shop",
        "demo blog",
        "a sharer's card",
        "sharer dashboard",
        "merchant dashboard",
    ):
        assert label in seeded.stdout
    assert "http://127.0.0.1:5099/c/trail-lena" in seeded.stdout
    # Seeding twice is safe: the same card, a fresh token.
    assert (
        ogstore("demo", "seed", "--base-url", "http://127.0.0.1:5099", tmp_path=tmp_path).returncode
        == 0
    )


def test_payouts_create_prints_csv(tmp_path):
    assert ogstore("db", "upgrade", tmp_path=tmp_path).returncode == 0
    result = ogstore("payouts", "create", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["payout_id,sharer,currency,amount"]
