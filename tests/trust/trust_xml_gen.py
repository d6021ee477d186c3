"""Hypothesis strategies for XML documents and edXML packages that stress canonicalisation.

Namespaces declared on ancestors and never used, prefixes rebound and the default namespace
undeclared (``xmlns=""``), attributes that need escaping, CR, LF and tab in text and attributes
(literal and as character references), characters beyond U+FFFF, CDATA sections, comments and
processing instructions inside and around the root, both quote styles, declarations and
attributes interleaved. The text is the document as a peer would write it (bytes, UTF-8).
"""

from __future__ import annotations

from hypothesis import strategies as st

from support.pki import SENDER

EDXML_NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
URIS = ["urn:a", "http://example.com/b", "urn:x:c?q=1&r=2", EDXML_NS, DS_NS, "urn:z#frag"]
PREFIXES = ["a", "b", "ds", "edXML", "p1"]
LOCALS = ["e", "f", "Place", "ghé", "h-i", "j.k", "OrganId"]
ATTRIBUTE_LOCALS = ["x", "y", "Id", "lang"]
PREFIXABLE = ["a", "b", "ds", "edXML", "p1"]
_TEXT_CHARS = "ab \t\n\r&<>\"'é😀]-?"
_REFERENCES = [
    "&#13;",
    "&#10;",
    "&#9;",
    "&#x1F600;",
    "&amp;",
    "&gt;",
    "&lt;",
    "&quot;",
    "&apos;",
    "\r\n",
    "\r",
]


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(value: str, quote: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(quote, "&quot;" if quote == '"' else "&apos;")
    )


@st.composite
def _misc(draw: st.DrawFn) -> str:
    """A comment or a processing instruction."""
    body = draw(st.text(alphabet=_TEXT_CHARS.replace("-", "").replace("?", ""), max_size=6))
    if draw(st.booleans()):
        return f"<!--{body}-->"
    target = draw(st.sampled_from(["pi", "p-2", "xml-stylesheet", "zé"]))
    return f"<?{target} {body}?>" if draw(st.booleans()) else f"<?{target}?>"


@st.composite
def _text(draw: st.DrawFn) -> str:
    """Character data as written: literal, references, CDATA, or a comment or PI among it."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return _escape_text(draw(st.text(alphabet=_TEXT_CHARS, min_size=1, max_size=8)))
    if kind == 1:
        return draw(st.sampled_from(_REFERENCES))
    if kind == 2:
        inner = draw(st.text(alphabet=_TEXT_CHARS, max_size=6)).replace("]]>", "]]")
        return f"<![CDATA[{inner}]]>"
    return draw(_misc())


@st.composite
def _attribute_value(draw: st.DrawFn, quote: str) -> str:
    pieces = draw(
        st.lists(
            st.one_of(
                st.text(alphabet=_TEXT_CHARS, max_size=5).map(lambda t: _escape_attribute(t, quote)),
                st.sampled_from(["&#9;", "&#10;", "&#13;", "&#x10348;", "&amp;", "&lt;", "&gt;", "\t", "\n"]),
            ),
            max_size=4,
        )
    )
    return "".join(pieces)


@st.composite
def element(draw: st.DrawFn, scope: dict[str, str], depth: int = 0) -> str:
    """One element (and its content) valid where the namespaces ``scope`` are in force."""
    declared: dict[str, str] = {}
    for _ in range(draw(st.integers(0, 2))):
        prefix = draw(st.sampled_from(["", *PREFIXES]))
        declared[prefix] = draw(st.sampled_from(URIS + ([""] if prefix == "" else [])))
    inner = {**scope, **declared}
    prefix = draw(st.sampled_from(["", *PREFIXES]))
    if prefix and prefix not in inner:
        declared[prefix] = inner[prefix] = draw(st.sampled_from(URIS))
    attributes: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    for _ in range(draw(st.integers(0, 3))):
        attr_prefix = draw(st.sampled_from(["", "", "xml", *PREFIXABLE]))
        if attr_prefix and attr_prefix != "xml" and attr_prefix not in inner:
            declared[attr_prefix] = inner[attr_prefix] = draw(st.sampled_from(URIS))
        local = draw(st.sampled_from(ATTRIBUTE_LOCALS))
        uri = "xml" if attr_prefix == "xml" else inner.get(attr_prefix, "") if attr_prefix else ""
        qname = f"{attr_prefix}:{local}" if attr_prefix else local
        if (uri, local) in seen or qname in attributes:
            continue
        seen.add((uri, local))
        quote = draw(st.sampled_from(['"', "'"]))
        attributes[qname] = f"{quote}{draw(_attribute_value(quote))}{quote}"
    items = [f"xmlns:{p}={_quoted(u)}" if p else f"xmlns={_quoted(u)}" for p, u in declared.items()] + [
        f"{name}={value}" for name, value in attributes.items()
    ]
    items = draw(st.permutations(items)) if items else []
    space = draw(st.sampled_from([" ", "  ", "\n  "]))
    name = f"{prefix}:{draw(st.sampled_from(LOCALS))}" if prefix else draw(st.sampled_from(LOCALS))
    start = f"<{name}" + "".join(space + item for item in items)
    if depth >= 3:
        children = draw(st.lists(_text(), max_size=3))
    else:
        children = draw(st.lists(st.one_of(_text(), element(_pruned(inner), depth + 1)), max_size=4))
    if not children and draw(st.booleans()):
        return start + draw(st.sampled_from(["/>", " />"]))
    return start + ">" + "".join(children) + f"</{name}>"


def _quoted(uri: str) -> str:
    return '"' + _escape_attribute(uri, '"') + '"'


def _pruned(scope: dict[str, str]) -> dict[str, str]:
    return {p: u for p, u in scope.items() if u}


@st.composite
def document(draw: st.DrawFn) -> bytes:
    """A whole document: prolog, root, epilogue."""
    declaration = draw(
        st.sampled_from(["", '<?xml version="1.0" encoding="UTF-8"?>\n', "<?xml version='1.0'?>"])
    )
    before = "".join(draw(st.lists(st.one_of(_misc(), st.sampled_from(["\n", " "])), max_size=3)))
    after = "".join(draw(st.lists(st.one_of(_misc(), st.sampled_from(["\n", " "])), max_size=3)))
    root = draw(element({}))
    return (declaration + before + root + after).encode()


@st.composite
def package(draw: st.DrawFn) -> bytes:
    """An unsigned edXML package from ``SENDER`` with generated content around its landmarks."""
    root_ns = draw(
        st.sampled_from(
            [
                f'xmlns="{EDXML_NS}" xmlns:edXML="{EDXML_NS}"',
                f'xmlns:edXML="{EDXML_NS}" xmlns:ds="{DS_NS}"',
                f'xmlns:edXML="{EDXML_NS}" xmlns:ds="urn:a" xmlns:a="urn:z#frag"',
                f'xmlns:a="urn:a" xmlns="{DS_NS}" xmlns:edXML="{EDXML_NS}"',
            ]
        )
    )
    scope = {"edXML": EDXML_NS}

    def some(count: int) -> str:
        return "".join(draw(st.lists(st.one_of(_text(), element(scope)), max_size=count)))

    organ = draw(st.sampled_from([SENDER, f"  {SENDER}\n", f"<![CDATA[{SENDER}]]>", f"{SENDER}<!--x-->"]))
    header = (
        f'<edXML:edXMLHeader>{some(2)}<MessageHeader xmlns="{EDXML_NS}">{some(1)}'
        f"<From><OrganId>{organ}</OrganId>{some(1)}</From>{some(2)}</MessageHeader>{some(2)}"
        "</edXML:edXMLHeader>"
    )
    body = f"<edXML:edXMLBody>{some(3)}</edXML:edXMLBody>"
    attachment = (
        "<edXML:AttachmentEncoded><edXML:Attachment><edXML:ContentTransferEncoded>"
        + draw(st.sampled_from(["", "SGVsbG8=", "QUJD\nREVG\r\n", "QUJD&#13;&#10;REVG"]))
        + "</edXML:ContentTransferEncoded></edXML:Attachment></edXML:AttachmentEncoded>"
    )
    before = "".join(draw(st.lists(_misc(), max_size=2)))
    after = "".join(draw(st.lists(_misc(), max_size=2)))
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n{before}<edXML:edXML {root_ns}>{some(1)}'
        f"<edXML:edXMLEnvelope>{header}{body}</edXML:edXMLEnvelope>{attachment}</edXML:edXML>{after}"
    )
    return text.encode()
