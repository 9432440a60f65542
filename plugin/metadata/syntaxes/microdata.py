"""Microdata (``itemscope``/``itemprop``) through extruct, as schema.org nodes."""

from extruct.w3cmicrodata import MicrodataExtractor
from lxml import etree

from plugin.metadata.syntaxes import schemaorg
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading


class _IndexedMicrodata(MicrodataExtractor):
    """extruct's microdata reader, fed the page's index and with a cheaper text value.

    extruct walks the whole tree twice to find items; ``Page`` already has them.
    And extruct cleans a copy of every element whose text it reads, most of its
    run time on big pages; joining the element's own text nodes gives the same
    value for product fields.
    """

    _xp_text = etree.XPath("descendant-or-self::*[not(self::script or self::style)]/text()")

    def items(self, scopes: list[etree._Element], base_url: str) -> list[dict]:
        itemids = {node: number for number, node in enumerate(scopes, 1)}
        seen: set[int] = set()
        found = (
            self._extract_item(node, items_seen=seen, base_url=base_url, itemids=itemids)
            for node in scopes
        )
        return [item for item in found if item]

    def _extract_textContent(self, node: etree._Element) -> str:
        return " ".join(" ".join(self._xp_text(node)).split())


def read(page: Page) -> Reading | None:
    if not page.item_scopes:
        return None
    items = _IndexedMicrodata().items(page.item_scopes, page.base_url)
    return schemaorg.read_products([_as_node(item) for item in items], page.base_url, "microdata")


def _as_node(value: object) -> object:
    """extruct's ``{"type", "id", "properties"}`` item as a JSON-LD-like node."""
    if isinstance(value, list):
        return [_as_node(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "properties" not in value:
        return value.get("value")
    node = {key: _as_node(item) for key, item in value["properties"].items()}
    if value.get("type"):
        node["@type"] = value["type"]
    if value.get("id"):
        node["@id"] = value["id"]
    return node
