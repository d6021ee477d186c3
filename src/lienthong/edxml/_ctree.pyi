from lxml import etree

from lienthong.edxml._tree import Node

BUILT_WITH_LXML: str

def to_node(element: etree._Element) -> Node:
    """The element's children as a dict of local names (recursively), like ``_tree.py_to_node``."""

def declares_doctype(element: etree._Element) -> bool:
    """Whether the element's document declared a document type (``<!DOCTYPE …>``)."""
