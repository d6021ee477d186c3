"""The XML Schemas of the canonical form, and the sample and vendor packages around them.

``edxml.xsd`` accepts either kind of package; ``edxml-document.xsd`` and ``edxml-status.xsd``
also check what XSD 1.0 cannot tie to the kind in one schema (a document has its trace list and
body, a status has neither). The samples in ``samples/`` written in canonical form must pass;
the ones written as other vendors write them must at least be well-formed edXML.
"""

from __future__ import annotations

import base64
import copy
import importlib.util
import io
import re
import sys
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Final

import pytest
from lxml import etree

NS: Final = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DS: Final = "http://www.w3.org/2000/09/xmldsig#"
XS: Final = "http://www.w3.org/2001/XMLSchema"
E: Final = "{" + NS + "}"

REPO: Final = Path(__file__).resolve().parents[2]
SAMPLES: Final = REPO / "samples"
DATA: Final = Path(__file__).resolve().parents[1] / "data"
SCHEMA_FILES: Final = ("edxml.xsd", "edxml-document.xsd", "edxml-status.xsd", "edxml-common.xsd")

CANONICAL_DOCUMENTS: Final = (
    "document-canonical.edxml",
    "document-recall.edxml",
    "document-update.edxml",
    "document-replace.edxml",
)
STATUS_CODES: Final = ("01", "02", "03", "04", "05", "06", "13", "15", "16")
STATUSES: Final = tuple(f"status-{code}.edxml" for code in STATUS_CODES)
ALL_SAMPLES: Final = sorted(p.name for p in SAMPLES.glob("*.edxml"))
VENDOR_FILES: Final = sorted(p.name for p in (DATA / "vendor").glob("*.edxml"))


@contextmanager
def schema_path(name: str) -> Iterator[Path]:
    """A schema file shipped in the package, as a real path so ``xs:include`` resolves."""
    source = resources.files("lienthong.edxml") / "schema" / name
    with resources.as_file(source) as path:
        yield path


@cache
def schema(name: str = "edxml.xsd") -> etree.XMLSchema:
    with schema_path(name) as path:
        return etree.XMLSchema(etree.parse(str(path)))


def _safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), _safe_parser())


def sample(name: str) -> etree._ElementTree:
    return read(SAMPLES / name)


def errors(name: str, tree: etree._ElementTree) -> list[str]:
    checker = schema(name)
    if checker.validate(tree):
        return []
    return [entry.message for entry in checker.error_log]  # type: ignore[attr-defined]


def refusal(tree: etree._ElementTree, name: str = "edxml.xsd") -> str:
    """The first libxml2 message for a tree the schema must refuse."""
    messages = errors(name, tree)
    assert messages, f"{name} accepted a package it must refuse"
    return messages[0]


def find(tree: etree._ElementTree, path: str) -> etree._Element:
    found = tree.getroot().find(path, {"e": NS})
    assert found is not None, path
    return found


# ------------------------------------------------------------------------ the schemas


@pytest.mark.parametrize("name", SCHEMA_FILES[:3])
def test_schema_loads(name: str) -> None:
    assert isinstance(schema(name), etree.XMLSchema)


@pytest.mark.parametrize("name", SCHEMA_FILES)
def test_every_element_declaration_is_documented(name: str) -> None:
    with schema_path(name) as path:
        tree = etree.parse(str(path))
    declarations = tree.getroot().iter(f"{{{XS}}}element", f"{{{XS}}}complexType", f"{{{XS}}}simpleType")
    for declaration in declarations:
        text = declaration.findtext(f"{{{XS}}}annotation/{{{XS}}}documentation")
        label = declaration.get("name") or declaration.get("ref") or "(anonymous)"
        assert text and text.strip(), f"{name}: {label} has no xs:documentation"


# -------------------------------------------------------------------- valid packages


@pytest.mark.parametrize("name", CANONICAL_DOCUMENTS)
def test_canonical_document_samples_validate(name: str) -> None:
    tree = sample(name)
    assert errors("edxml.xsd", tree) == []
    assert errors("edxml-document.xsd", tree) == []


@pytest.mark.parametrize("name", STATUSES)
def test_status_samples_validate(name: str) -> None:
    tree = sample(name)
    assert errors("edxml.xsd", tree) == []
    assert errors("edxml-status.xsd", tree) == []


def test_every_status_code_has_a_sample() -> None:
    codes = {
        find(sample(name), "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:StatusCode").text
        for name in STATUSES
    }
    assert codes == set(STATUS_CODES)


def test_each_kind_is_refused_by_the_other_kinds_schema() -> None:
    assert "ResponseFor" in refusal(sample("status-01.edxml"), "edxml-document.xsd")
    assert f"{E}To" in refusal(sample("document-canonical.edxml"), "edxml-status.xsd")


def test_trace_list_is_tied_to_the_kind_only_by_the_kind_schemas() -> None:
    # A status with a trace list: edxml.xsd cannot tell (XSD 1.0), edxml-status.xsd can.
    status = sample("status-01.edxml")
    trace = find(sample("document-canonical.edxml"), "e:edXMLEnvelope/e:edXMLHeader/e:TraceHeaderList")
    find(status, "e:edXMLEnvelope/e:edXMLHeader").append(copy.deepcopy(trace))
    assert errors("edxml.xsd", status) == []
    assert "TraceHeaderList" in refusal(status, "edxml-status.xsd")
    # A document without one.
    document = sample("document-canonical.edxml")
    header = find(document, "e:edXMLEnvelope/e:edXMLHeader")
    header.remove(find(document, "e:edXMLEnvelope/e:edXMLHeader/e:TraceHeaderList"))
    assert "TraceHeaderList" in refusal(document, "edxml-document.xsd")


def test_xmldsig_signature_is_accepted_in_its_namespace_only() -> None:
    for namespace, accepted in ((DS, True), (NS, False), (None, False)):
        tree = sample("document-canonical.edxml")
        header = find(tree, "e:edXMLEnvelope/e:edXMLHeader")
        tag = f"{{{namespace}}}Signature" if namespace else "Signature"
        signature = etree.SubElement(header, tag)
        etree.SubElement(signature, f"{{{DS}}}SignedInfo" if namespace == DS else "SignedInfo")
        assert (errors("edxml.xsd", tree) == []) is accepted, namespace


def test_known_vendor_elements_are_accepted_after_the_standard_ones() -> None:
    tree = sample("document-canonical.edxml")
    header = find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader")
    etree.SubElement(header, E + "ApplicationType").text = "QLVBDH"
    etree.SubElement(header, "{urn:example:vendor}Extra").text = "x"
    assert errors("edxml.xsd", tree) == []
    etree.SubElement(header, E + "Unknown")
    assert "Unknown" in refusal(tree)


# ------------------------------------------------------------------ targeted refusals


def test_unknown_status_code_is_refused() -> None:
    tree = sample("status-01.edxml")
    find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:StatusCode").text = "07"
    message = refusal(tree)
    assert "StatusCode" in message
    assert "07" in message


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("e:PromulgationInfo/e:PromulgationDate", "30/09/2025"),
        ("e:PromulgationInfo/e:PromulgationDate", "2025-09-30"),
        ("e:DueDate", "2025/13/01"),
    ],
)
def test_date_outside_the_pattern_is_refused(path: str, value: str) -> None:
    tree = sample("document-canonical.edxml")
    find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/" + path).text = value
    message = refusal(tree)
    assert path.rsplit(":", 1)[1] in message
    assert "pattern" in message


def test_timestamp_outside_the_pattern_is_refused() -> None:
    tree = sample("status-05.edxml")
    find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:Timestamp").text = "03/10/2025 10:12:45"
    assert "Timestamp" in refusal(tree)


def test_document_without_recipient_is_refused() -> None:
    tree = sample("document-canonical.edxml")
    header = find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader")
    for recipient in header.findall("e:To", {"e": NS}):
        header.remove(recipient)
    message = refusal(tree)
    assert f"{E}DocumentId" in message  # the element found where To was expected
    assert f"{E}To" in message


def test_malformed_agency_code_is_refused() -> None:
    tree = sample("document-canonical.edxml")
    find(tree, "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/e:From/e:OrganId").text = "28.22.H17"
    assert "OrganId" in refusal(tree)


def test_invalid_base64_is_refused() -> None:
    tree = read(DATA / "hostile" / "invalid-base64.edxml")
    assert "ContentTransferEncoded" in refusal(tree)


def test_manifest_content_id_needs_its_cid_prefix() -> None:
    tree = sample("document-canonical.edxml")
    find(tree, "e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference/e:ContentId").text = "1"
    assert "ContentId" in refusal(tree)


@pytest.mark.parametrize(
    "name",
    [
        "unknown-status.edxml",
        "missing-from.edxml",
        "malformed-code.edxml",
        "wrong-namespace.edxml",
        "no-namespace.edxml",
    ],
)
def test_hostile_structure_files_fail_the_schema(name: str) -> None:
    refusal(read(DATA / "hostile" / name))


# --------------------------------------------------------------- every sample file


@pytest.mark.parametrize(
    "path", [SAMPLES / n for n in ALL_SAMPLES] + [DATA / "vendor" / n for n in VENDOR_FILES], ids=str
)
def test_sample_is_well_formed_nfc_edxml(path: Path) -> None:
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    assert unicodedata.is_normalized("NFC", text)
    assert "<!DOCTYPE" not in text
    root = etree.fromstring(data, _safe_parser())
    assert root.tag == E + "edXML"


def test_samples_are_all_there() -> None:
    expected = {*CANONICAL_DOCUMENTS, *STATUSES}
    expected |= {"document-vendor-csharp.edxml", "document-business-spelling.edxml"}
    assert set(ALL_SAMPLES) == expected
    assert len(VENDOR_FILES) >= 2


def _attachments(tree: etree._ElementTree) -> list[bytes]:
    texts = tree.getroot().iter(E + "ContentTransferEncoded", "ContentTransferEncoded")
    return [base64.b64decode("".join((t.text or "").split()), validate=True) for t in texts]


@pytest.mark.parametrize(
    "path", [SAMPLES / n for n in ALL_SAMPLES] + [DATA / "vendor" / n for n in VENDOR_FILES], ids=str
)
def test_sample_attachments_are_one_page_pdfs(path: Path) -> None:
    from pyhanko.pdf_utils.reader import PdfFileReader

    for encoded in _attachments(read(path)):
        pdf = encoded
        if encoded.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(encoded)) as archive:
                (entry,) = archive.infolist()
                assert entry.filename.endswith(".pdf")
                pdf = archive.read(entry)
        assert pdf.startswith(b"%PDF-1.4\n")
        reader = PdfFileReader(io.BytesIO(pdf), strict=True)
        assert reader.root["/Pages"]["/Count"] == 1


def test_zip_wrapped_sample_is_zipped() -> None:
    (data,) = _attachments(sample("document-business-spelling.edxml"))
    assert data.startswith(b"PK\x03\x04")


# ----------------------------------------------------------- generated, not hand-edited


def _load(path: Path) -> ModuleType:
    """A generator script as a module (registered while it runs: its dataclasses need that)."""
    name = f"_lienthong_test_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


def test_samples_are_what_the_generator_writes() -> None:
    generator = _load(SAMPLES / "make_samples.py")
    for directory, files in ((SAMPLES, generator.samples()), (DATA / "vendor", generator.vendor_variants())):
        for name, data in files.items():
            assert (directory / name).read_bytes() == data, f"{name}: run samples/make_samples.py"


def test_hostile_files_are_what_the_generator_writes() -> None:
    # Every case but the zip bomb, which takes seconds to deflate: its size is checked instead.
    generator = _load(DATA / "make_hostile.py")
    document = (SAMPLES / "document-canonical.edxml").read_text(encoding="utf-8")
    for name, make in generator.DOCUMENT_CASES.items():
        if name == "zip-bomb.edxml":
            continue
        made = make(document)
        expected = made.encode("utf-8") if isinstance(made, str) else made
        assert (DATA / "hostile" / name).read_bytes() == expected, f"{name}: run tests/data/make_hostile.py"
    assert (DATA / "hostile" / "zip-bomb.edxml").stat().st_size < 2_000_000


def test_data_readme_names_every_hostile_and_vendor_file() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w-]+\.edxml)`", readme))
    on_disk = {p.name for p in (DATA / "hostile").glob("*.edxml")} | set(VENDOR_FILES)
    assert on_disk <= named
    assert len(list((DATA / "hostile").glob("*.edxml"))) == 20
