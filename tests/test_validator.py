"""The merchant tag validator: API, page and CLI agree, and the demo shop comes out clean."""

import os
import subprocess
import sys
from pathlib import Path

DEMO = "/demo/shop/products/"


def test_the_demo_shop_is_clean_and_the_sloppy_page_is_not(client, demo):
    for slug in ("trail-runner-backpack", "merino-crew-sweater", "field-notebook-3pack"):
        report = client.get(
            "/api/v1/validate", query_string={"url": demo["base_url"] + DEMO + slug}
        )
        assert report.status_code == 200
        assert report.get_json()["errors"] == 0, report.get_json()["findings"]
    sloppy = client.get(
        "/api/v1/validate", query_string={"url": demo["base_url"] + DEMO + "sloppy-sunglasses"}
    ).get_json()
    assert sloppy["errors"] >= 3 and sloppy["warnings"] >= 1
    assert {f["source"] for f in sloppy["findings"]} >= {"Open Graph", "Google merchant listings"}
    assert all(f["message"] and f["rule"] for f in sloppy["findings"])
    assert '<meta property="og:title"' in sloppy["suggested_tags"]


def test_the_validate_page_shows_findings_escaped(client, demo):
    page = client.get(
        "/validate", query_string={"url": demo["base_url"] + DEMO + "sloppy-sunglasses"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "error" in html and "&lt;meta" in html
    refused = client.get("/validate", query_string={"url": "http://10.0.0.1/<script>"})
    assert refused.status_code == 200 and "<script>" not in refused.get_data(as_text=True)
    assert "Could not check that page" in refused.get_data(as_text=True)


def test_ogstore_validate_exits_non_zero_on_errors(demo, tmp_path):
    ogstore = Path(sys.executable).with_name("ogstore")
    env = {
        **os.environ,
        "OGSTORE_FETCH_ALLOW": "127.0.0.1",
        "OGSTORE_DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite",
    }

    def run(slug: str) -> subprocess.CompletedProcess:
        url = demo["base_url"] + DEMO + slug
        return subprocess.run(
            [str(ogstore), "validate", url], capture_output=True, text=True, env=env, timeout=60
        )

    clean, sloppy = run("trail-runner-backpack"), run("sloppy-sunglasses")
    assert clean.returncode == 0 and "0 errors" in clean.stdout
    assert sloppy.returncode == 1 and "error" in sloppy.stdout and "og:image" in sloppy.stdout
