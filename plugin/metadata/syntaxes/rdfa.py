"""RDFa Lite (``vocab``/``typeof``/``property``) as schema.org nodes.

A small reader of the schema.org subset shops use, not a full RDFa processor:
pyRdfa needs its own DOM and is far slower than the rest of ``extract`` together.
"""

from lxml import etree

from plugin.metadata.syntaxes import schemaorg
from plugin.metadata.syntaxes.page import Page
from plugin.metadata.syntaxes.reading import Reading

_OWN_PROPERTIES = etree.XPath(
    "set:difference(.//*[@property], .//*[@typeof]//*[@property])",
    namespaces={"set": "http://exslt.org/sets"},
)
_LINK_TAGS = frozenset({"a", "area", "link"})
_SOURCE_TAGS = frozenset({"img", "audio", "video", "source", "iframe", "embed"})


def read(page: Page) -> Reading | None:
    scopes = [
        scope
        for scope in page.rdfa_scopes
        if not any(node.get("typeof") is not None for node in scope.iterancestors())
    ]
    if not scopes:
        return None
    return schemaorg.read_products([_node(scope) for scope in scopes], page.base_url, "rdfa")


def _node(scope: etree._Element) -> dict:
    node: dict = {"@type": scope.get("typeof", "").split()}
    if scope.get("resource"):
        node["@id"] = scope.get("resource")
    for element in _OWN_PROPERTIES(scope):
        value = _node(element) if element.get("typeof") is not None else _value(element)
        for name in element.get("property", "").split():
            node.setdefault(name, []).append(value)
    return {
        key: value[0] if isinstance(value, list) and len(value) == 1 else value
        for key, value in node.items()
    }


def _value(element: etree._Element) -> str:
    if element.get("content") is not None:
        return element.get("content")
    tag = element.tag if isinstance(element.tag, str) else ""
    if element.get("resource"):
        return element.get("resource")
    if tag in _LINK_TAGS and element.get("href"):
        return element.get("href")
    if tag in _SOURCE_TAGS and element.get("src"):
        return element.get("src")
    return " ".join(" ".join(element.itertext()).split())
