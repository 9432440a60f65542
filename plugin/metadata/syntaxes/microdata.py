"""Microdata (``itemscope``/``itemprop``) through extruct, as schema.org nodes."""

from extruct.w3cmicrodata import MicrodataExtractor
from lxml import etree

from plugin.metadata.syntaxes import schemaorg
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading


class _IndexedMicrodata(MicrodataExtractor):
    """extruct's microdata reader, fed the page's index and with a cheaper text value.

    extruct walks the whole tree twice to find items, and each item's subtree twice
    more to find its properties; ``Page`` already has both (a property belongs to
    its nearest enclosing ``itemscope``). And extruct cleans a copy of every element
    whose text it reads, most of its run time on big pages; joining the element's own
    text nodes gives the same value for product fields.
    """

    _xp_text = etree.XPath("descendant-or-self::*[not(self::script or self::style)]/text()")
    _by_id = etree.XPath("(//*[@id = $id])[1]")

    def items(
        self, scopes: list[etree._Element], props: list[etree._Element], base_url: str
    ) -> list[dict]:
        # lxml hands out one proxy per element while it is referenced: identity works.
        self._scopes = set(scopes)
        # Each property under its nearest ``itemscope`` (None: outside every item, where
        # only an ``itemref`` can reach it).
        self._owned: dict[etree._Element | None, list[etree._Element]] = {}
        for prop in props:
            owner = next((node for node in prop.iterancestors() if node in self._scopes), None)
            self._owned.setdefault(owner, []).append(prop)
        itemids = {node: number for number, node in enumerate(scopes, 1)}
        seen: set[int] = set()
        found = (
            self._extract_item(node, items_seen=seen, base_url=base_url, itemids=itemids)
            for node in scopes
        )
        return [item for item in found if item]

    def _extract_properties(self, node, items_seen, base_url, itemids):
        for prop in self._owned.get(node, ()):
            yield from self._extract_property(
                prop, items_seen=items_seen, base_url=base_url, itemids=itemids
            )

    def _extract_property_refs(self, node, refid, items_seen, base_url, itemids):
        """``itemref``: the element with id ``refid`` lends ``node`` its properties (all of
        it, when it is an item itself). Found by attribute: extruct's ``id()`` lookup
        needs the ID index the page is parsed without (see ``extract._parse``)."""
        found = self._by_id(node, id=refid)
        if not found:
            return
        referenced = found[0]
        if referenced.get("itemprop") is not None and referenced.get("itemscope") is not None:
            props = [referenced]
        else:
            scope = next(
                (e for e in (referenced, *referenced.iterancestors()) if e in self._scopes), None
            )
            props = [
                prop
                for prop in self._owned.get(scope, ())
                if prop is referenced or referenced in prop.iterancestors()
            ]
        for prop in props:
            yield from self._extract_property(
                prop, items_seen=items_seen, base_url=base_url, itemids=itemids
            )

    def _extract_textContent(self, node: etree._Element) -> str:
        return " ".join(" ".join(self._xp_text(node)).split())


def read(page: Page) -> Reading | None:
    if not page.item_scopes:
        return None
    items = _IndexedMicrodata().items(page.item_scopes, page.item_props, page.base_url)
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
