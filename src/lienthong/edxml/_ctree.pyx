# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""``to_node`` in C: lxml's tree read straight from libxml2's nodes into the reader's dicts.

The pure-Python walk in ``_tree`` makes a Python proxy for every element it touches, which costs
more than libxml2's whole parse of a small package; this walk makes only the strings and dicts
the reader keeps. It mirrors ``_tree.py_to_node`` exactly (tests compare the two on every corpus).
Built by setup.py; after editing this file, rebuild (``pip install -e .``) for it to take effect.
"""

from cpython.object cimport PyObject
from cpython.unicode cimport Py_UNICODE_ISSPACE, PyUnicode_AsUTF8, PyUnicode_DecodeUTF8
from libc.string cimport strcmp, strlen

cimport lxml.includes.etreepublic as cetree
from lxml.includes cimport tree
from lxml.includes.tree cimport xmlNode

cdef extern from "Python.h":
    PyObject* PyDict_SetDefault(object mapping, object key, object default) except NULL

from lienthong.edxml._namespaces import Namespace
from lienthong.edxml._tree import FOREIGN, Many

cdef extern from "lxml-version.h":
    const char* LXML_VERSION_STRING

#: The lxml whose C structures this was compiled against; ``_tree`` uses it only with that lxml.
BUILT_WITH_LXML = LXML_VERSION_STRING.decode("ascii")

cetree.import_lxml__etree()

cdef bytes _EDXML = Namespace.EDXML.encode("utf-8")
cdef object _FOREIGN = FOREIGN
cdef object _Many = Many


cdef inline str _utf8(const char* text):
    return PyUnicode_DecodeUTF8(text, strlen(text), NULL)


# Element names: libxml2 interns them in a dictionary that lxml keeps per thread, so one name
# comes back at one address parse after parse. A small table by address saves decoding it;
# each hit is checked against the name's bytes, so a reused address can never give a wrong name.
cdef enum:
    _NAMES = 256
cdef const char* _name_at[_NAMES]
cdef list _name_str = [None] * _NAMES


cdef inline str _name(const char* c_name):
    cdef size_t slot = (<size_t>c_name >> 4) % _NAMES
    cdef str name
    if _name_at[slot] == c_name:
        name = <str>_name_str[slot]
        if strcmp(PyUnicode_AsUTF8(name), c_name) == 0:
            return name
    name = _utf8(c_name)
    _name_at[slot] = c_name
    _name_str[slot] = name
    return name


cdef inline bint _counts_as_child(xmlNode* c_node) noexcept:
    # What len(element) counts in lxml: elements, comments, entity references, PIs.
    return (
        c_node.type == tree.XML_ELEMENT_NODE
        or c_node.type == tree.XML_COMMENT_NODE
        or c_node.type == tree.XML_ENTITY_REF_NODE
        or c_node.type == tree.XML_PI_NODE
    )


cdef object _leaf(xmlNode* c_node):
    """A childless element's stripped text, or None: lxml's ``.text`` joins text and CDATA."""
    cdef xmlNode* c_text = c_node.children
    cdef object text = None
    while c_text is not NULL:
        if (
            c_text.type == tree.XML_TEXT_NODE or c_text.type == tree.XML_CDATA_SECTION_NODE
        ) and c_text.content is not NULL and c_text.content[0] != 0:
            part = _utf8(<const char*>c_text.content)
            text = part if text is None else text + part
        c_text = c_text.next
    if text is None:
        return None
    cdef str value = text
    cdef Py_ssize_t length = len(value)
    # str.strip() only when an end is white space: most texts have none, and the call costs.
    if Py_UNICODE_ISSPACE(value[0]) or Py_UNICODE_ISSPACE(value[length - 1]):
        return value.strip() or None
    return value


cdef dict _node(xmlNode* c_parent, const char* edxml):
    cdef dict node = {}
    cdef xmlNode* c_node = c_parent.children
    cdef xmlNode* c_child
    cdef bint leaf
    while c_node is not NULL:
        if c_node.type == tree.XML_ELEMENT_NODE:
            if (
                c_node.ns is not NULL
                and c_node.ns.href is not NULL
                and strcmp(<const char*>c_node.ns.href, edxml) != 0
            ):
                node[_FOREIGN] = True
            else:
                name = _name(<const char*>c_node.name)
                leaf = True
                c_child = c_node.children
                while c_child is not NULL:
                    if _counts_as_child(c_child):
                        leaf = False
                        break
                    c_child = c_child.next
                value = _leaf(c_node) if leaf else _node(c_node, edxml)
                # One lookup: the name's first value goes in; a later one finds it there.
                values = <object>PyDict_SetDefault(node, name, value)
                if values is not value:
                    if type(values) is _Many:
                        values.append(value)
                    else:
                        node[name] = _Many((values, value))
        c_node = c_node.next
    return node


def to_node(cetree._Element element not None):
    """The element's children as a dict of local names (recursively), like ``_tree.py_to_node``."""
    return _node(element._c_node, _EDXML)


def declares_doctype(cetree._Element element not None):
    """Whether the element's document declared a document type (``<!DOCTYPE …>``)."""
    cdef tree.xmlDoc* c_doc = element._c_node.doc
    return c_doc is not NULL and (c_doc.intSubset is not NULL or c_doc.extSubset is not NULL)
