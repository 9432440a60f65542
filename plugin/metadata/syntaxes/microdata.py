"""Microdata (``itemscope``/``itemprop``) through extruct, as schema.org nodes."""

from extruct.w3cmicrodata import MicrodataExtractor
from lxml import etree

from plugin.metadata.syntaxes import schemaorg
from plugin.metadata.syntaxes.reading import Reading


class _PlainTextMicrodata(MicrodataExtractor):
    """extruct's reader with a cheaper text value.

    extruct cleans a copy of every element whose text it reads (scripts, styles,
    comments removed); on big pages that copying is most of its run time. Joining
    the element's own text nodes gives the same value for product fields.
    """

    _xp_text = etree.XPath("descendant-or-self::*[not(self::script or self::style)]/text()")

    def _extract_textContent(self, node: etree._Element) -> str:
        return " ".join(" ".join(self._xp_text(node)).split())


def read(document: etree._Element, base_url: str) -> Reading | None:
    items = _PlainTextMicrodata().extract_items(document, base_url)
    return schemaorg.read_products([_as_node(item) for item in items], base_url, "microdata")


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
