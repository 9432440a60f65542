"""Fixtures for the card widgets: a SQLite-only database for slow tests, hostile cards.

HTTP-level card tests keep the two-database ``app`` of ``tests/conftest.py``; modules
that render images, drive Node or an oEmbed client override ``database_url`` with
``sqlite_url`` (SQLite only, like ``tests/browser``).
"""

import shutil

import pytest
from hostile_product import HOSTILE_CODE, HOSTILE_NOTE, hostile_page

from plugin import metadata
from plugin.catalog import services as catalog
from plugin.extensions import db
from plugin.sharing import services as sharing
from plugin.sharing.models import Card


@pytest.fixture
def sqlite_url(request, tmp_path) -> str:
    """A copy of the migrated SQLite template (what ``database_url`` gives for SQLite)."""
    path = tmp_path / "ogstore.sqlite"
    shutil.copy(request.getfixturevalue("sqlite_template"), path)
    return f"sqlite:///{path}"


@pytest.fixture
def hostile(app) -> str:
    """A card (code ``hostile-card``) for a product whose page is hostile throughout."""
    url = "https://evil.example/products/evil"
    content = hostile_page()
    page = metadata.FetchedPage(
        url=url,
        status=200,
        content_type="text/html",
        encoding="utf-8",
        content=content,
    )
    with app.app_context():
        snapshot = catalog.store_snapshot(metadata.extract(content, url), page)
        # The extractor already drops javascript: images; the widgets must not need it to.
        snapshot.data = {
            **snapshot.data,
            "images": ["javascript:alert(7)", "data:text/html,<script>alert(9)</script>"],
        }
        sharer, _token = sharing.create_sharer("eve")
        db.session.add(
            Card(code=HOSTILE_CODE, product_id=snapshot.id, sharer_id=sharer.id, note=HOSTILE_NOTE)
        )
        db.session.commit()
    return HOSTILE_CODE
