"""The parser reads what other writers send: any order, either spelling, both date forms,
no prefixes or other prefixes, vendor elements, attachments plain or zipped."""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import date, datetime

import pytest

from lienthong.edxml import (
    VIETNAM_TZ,
    BusinessType,
    DocumentPackage,
    Limits,
    Package,
    StatusCode,
    StatusPackage,
    parse_package,
    write_package,
)
from support.edxml_packages import PDF, STREAMING

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def _zip(name: str, data: bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
        for other, content in (extra or {}).items():
            archive.writestr(other, content)
    return buffer.getvalue()


def vendor_package(*, business: str = "Bussiness", attachment_b64: str | None = None, name: str = "cv.pdf",
                   content_type: str = "application/pdf") -> bytes:  # fmt: skip
    """As the C#/VNPT SDK sample writes it: other order, xlink manifest, bare ContentId."""
    payload = attachment_b64 if attachment_b64 is not None else base64.b64encode(PDF).decode()
    return f"""<?xml version="1.0" encoding="utf-8"?>
<edXML xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="{NS}">
  <!-- written by another vendor -->
  <edXML:edXMLEnvelope xmlns:edXML="{NS}">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:To><edXML:OrganId>000.00.00.G09</edXML:OrganId><edXML:OrganName>Bộ Nội vụ</edXML:OrganName></edXML:To>
        <edXML:From><edXML:OrganId>000.00.00.H26</edXML:OrganId><edXML:OrganName>UBND thành phố Hà Nội</edXML:OrganName>
          <x:Extra xmlns:x="urn:vendor">ignored</x:Extra></edXML:From>
        <edXML:Code><edXML:CodeNotation>UBND-VP</edXML:CodeNotation><edXML:CodeNumber>123</edXML:CodeNumber></edXML:Code>
        <edXML:PromulgationInfo><edXML:PromulgationDate>05/03/2025</edXML:PromulgationDate><edXML:Place>Hà Nội</edXML:Place></edXML:PromulgationInfo>
        <edXML:DocumentType><edXML:TypeName>Quyết định</edXML:TypeName><edXML:Type>2</edXML:Type><edXML:TypeDetail>0</edXML:TypeDetail></edXML:DocumentType>
        <edXML:Subject>  Về việc giao chỉ tiêu  </edXML:Subject>
        <edXML:SignerInfo><edXML:FullName>Trần Văn B</edXML:FullName></edXML:SignerInfo>
        <edXML:ToPlaces><edXML:Place>Như trên</edXML:Place></edXML:ToPlaces>
        <edXML:OtherInfo><edXML:Direction>False</edXML:Direction><edXML:Appendixes><edXML:Appendix/></edXML:Appendixes></edXML:OtherInfo>
        <edXML:SteeringType>0</edXML:SteeringType>
        <edXML:ResponseForTask>T-17</edXML:ResponseForTask>
        <edXML:ApplicationType>eOffice</edXML:ApplicationType>
        <edXML:DocumentId>000.00.00.H26,2025/03/05,123/UBND-VP</edXML:DocumentId>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList id="a1b2" version="1.0" mustUnderstand="1" actor="http://schemas.xmlsoap.org/soap/actor/next">
        <edXML:TraceHeader><edXML:OrganId>000.00.00.H26</edXML:OrganId><edXML:Timestamp>05/03/2025 14:30:00</edXML:Timestamp></edXML:TraceHeader>
        <edXML:{business}><edXML:{business}DocType>0</edXML:{business}DocType><edXML:StaffInfo><edXML:Staff>Văn thư</edXML:Staff></edXML:StaffInfo><edXML:Paper>0</edXML:Paper></edXML:{business}>
      </edXML:TraceHeaderList>
      <edXML:DigitalSignature/>
    </edXML:edXMLHeader>
    <edXML:edXMLBody>
      <edXML:edXMLManifest version="1.0">
        <edXML:Reference xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="cid:7f1c" xlink:role="XLinkRole" xlink:type="simple">
          <edXML:Description>Quyết định</edXML:Description><edXML:AttachmentName>{name}</edXML:AttachmentName>
          <edXML:ContentType>{content_type}</edXML:ContentType><edXML:ContentId>cid:7f1c</edXML:ContentId>
        </edXML:Reference>
      </edXML:edXMLManifest>
    </edXML:edXMLBody>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded>
    <Attachment><ContentType>{content_type}</ContentType><ContentId>7f1c</ContentId><Description>Quyết định</Description>
      <ContentTransferEncoded>{payload}</ContentTransferEncoded><AttachmentName>{name}</AttachmentName></Attachment>
  </AttachmentEncoded>
</edXML>""".encode()


def both(data: bytes) -> list[Package]:
    return [parse_package(data), parse_package(io.BytesIO(data), limits=STREAMING)]


@pytest.mark.parametrize("spelling", ["Bussiness", "Business"])
def test_vendor_layout_is_read_by_name_whatever_the_order(spelling: str) -> None:
    for package in both(vendor_package(business=spelling)):
        assert isinstance(package, DocumentPackage)
        header = package.header
        assert package.from_code == "000.00.00.H26" and package.to_codes == ("000.00.00.G09",)
        assert header.code.number == "123" and header.code.notation == "UBND-VP"
        assert header.subject == "Về việc giao chỉ tiêu"
        assert header.promulgation is not None and header.promulgation.promulgation_date == date(2025, 3, 5)
        assert header.other_info is not None and header.other_info.direction is False
        assert package.trace[0].timestamp == datetime(2025, 3, 5, 14, 30, tzinfo=VIETNAM_TZ)
        assert package.business is not None and package.business.business_type is BusinessType.NEW
        assert package.manifest[0].content_id == package.attachments[0].content_id == "7f1c"
        assert package.attachments[0].content.read_bytes() == PDF
        vendor = b"".join(v.xml for v in header.vendor_elements)
        assert b"ResponseForTask" in vendor and b"eOffice" in vendor


def test_vendor_elements_are_relayed_when_written_again() -> None:
    package = parse_package(vendor_package())
    again = write_package(package)
    assert b"<edXML:ResponseForTask>T-17</edXML:ResponseForTask>" in again
    assert parse_package(again) == package


def test_zip_wrapped_attachment_is_unwrapped() -> None:
    wrapped = base64.b64encode(_zip("cv.pdf", PDF)).decode()
    for package in both(vendor_package(attachment_b64=wrapped)):
        assert isinstance(package, DocumentPackage)
        attachment = package.attachments[0]
        assert attachment.zip_wrapped and attachment.content.read_bytes() == PDF
        assert attachment.content.size == len(PDF)


def test_an_archive_sent_as_an_archive_is_kept_whole() -> None:
    archive = _zip("hoso.pdf", PDF)
    package = parse_package(vendor_package(attachment_b64=base64.b64encode(archive).decode(), name="hoso.zip",
                                           content_type="application/zip"))  # fmt: skip
    assert isinstance(package, DocumentPackage)
    assert not package.attachments[0].zip_wrapped and package.attachments[0].content.read_bytes() == archive


def test_a_many_file_zip_such_as_a_docx_is_not_unwrapped() -> None:
    docx = _zip("[Content_Types].xml", b"<Types/>", extra={"word/document.xml": b"<w:document/>"})
    package = parse_package(vendor_package(attachment_b64=base64.b64encode(docx).decode(), name="tt.docx",
                                           content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"))  # fmt: skip
    assert isinstance(package, DocumentPackage)
    assert package.attachments[0].content.read_bytes() == docx and not package.attachments[0].zip_wrapped


def test_base64_wrapped_in_lines_and_without_padding_is_read() -> None:
    text = base64.encodebytes(PDF + b"xy").decode()  # 76-column lines
    unpadded = text.replace("=", "")
    for payload in (text, unpadded):
        package = parse_package(vendor_package(attachment_b64=payload))
        assert isinstance(package, DocumentPackage)
        assert package.attachments[0].content.read_bytes() == PDF + b"xy"


def test_unprefixed_status_package_with_day_first_dates() -> None:
    data = f"""<edXML xmlns="{NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>
      <From><OrganId>000.00.00.G09</OrganId></From>
      <ResponseFor><OrganId>000.00.00.G22</OrganId><Code>7816/VPCP-TTĐT</Code><PromulgationDate>30/09/2025</PromulgationDate>
        <DocumentId>000.00.00.G22,2025/09/30,7816/VPCP-TTĐT</DocumentId></ResponseFor>
      <StatusCode>6</StatusCode><Description>Hoàn thành</Description><Timestamp>01/10/2025 07:05:09</Timestamp>
    </MessageHeader></edXMLHeader></edXMLEnvelope></edXML>""".encode()
    for package in both(data):
        assert isinstance(package, StatusPackage)
        assert package.status_code is StatusCode.DONE
        assert package.timestamp == datetime(2025, 10, 1, 7, 5, 9, tzinfo=VIETNAM_TZ)
        assert package.response_for.promulgation_date == date(2025, 9, 30)
        assert package.document_id == "000.00.00.G22,2025/09/30,7816/VPCP-TTĐT"


def test_signature_is_kept_as_read() -> None:
    signature = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/></ds:Signature>'
    data = vendor_package().replace(b"<edXML:DigitalSignature/>", signature.encode())
    package = parse_package(data)
    assert package.signature is not None and b"SignedInfo" in package.signature.xml


def test_large_attachment_streams_into_a_digest_sink_and_matches() -> None:
    from lienthong.edxml import DigestSink

    big = bytes(range(256)) * 40_000  # 10 MB
    data = vendor_package(attachment_b64=base64.b64encode(big).decode())
    package = parse_package(io.BytesIO(data), sink=DigestSink(), limits=Limits(in_memory_bytes=1 << 20))
    assert isinstance(package, DocumentPackage)
    import hashlib

    assert package.attachments[0].content.size == len(big)
    assert package.attachments[0].content.sha256 == hashlib.sha256(big).hexdigest()
    assert not package.attachments[0].content.retained
