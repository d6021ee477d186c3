"""Every element of EDXML.md §2 and §3 is written where the standard puts it and read back."""

from __future__ import annotations

import pytest
from lxml import etree

from lienthong._i18n import render
from lienthong.edxml import (
    DocumentPackage,
    Namespace,
    StatusCode,
    StatusPackage,
    parse_package,
    write_package,
)
from support.edxml_packages import full_document, status

NS = {"e": Namespace.EDXML}
H = "/e:edXML/e:edXMLEnvelope/e:edXMLHeader"
M = H + "/e:MessageHeader"
B = H + "/e:TraceHeaderList/e:Bussiness"

# (XPath below the root, the text our writer must put there)
DOCUMENT_ELEMENTS = [
    (M + "/e:From/e:OrganId", "000.00.00.G22"),
    (M + "/e:From/e:OrganizationInCharge", "Văn phòng Chính phủ"),
    (M + "/e:From/e:OrganName", "Cục Kiểm soát thủ tục hành chính"),
    (M + "/e:From/e:OrganAdd", "16 Lê Hồng Phong, Ba Đình, Hà Nội"),
    (M + "/e:From/e:Email", "vpcp@chinhphu.vn"),
    (M + "/e:From/e:Telephone", "080 43162"),
    (M + "/e:From/e:Fax", "080 44130"),
    (M + "/e:From/e:Website", "https://vpcp.chinhphu.vn"),
    (M + "/e:To[1]/e:OrganId", "000.00.00.G09"),
    (M + "/e:To[2]/e:OrganId", "000.00.12.H26"),
    (M + "/e:DocumentId", "000.00.00.G22,2025/09/30,7816/VPCP-TTĐT"),
    (M + "/e:Code/e:CodeNumber", "7816"),
    (M + "/e:Code/e:CodeNotation", "VPCP-TTĐT"),
    (M + "/e:PromulgationInfo/e:Place", "Hà Nội"),
    (M + "/e:PromulgationInfo/e:PromulgationDate", "2025/09/30"),
    (M + "/e:DocumentType/e:Type", "1"),
    (M + "/e:DocumentType/e:TypeDetail", "2"),
    (M + "/e:DocumentType/e:TypeName", "Công văn"),
    (M + "/e:Subject", 'Về việc triển khai Trục liên thông văn bản quốc gia & <kết nối> "mới"'),
    (M + "/e:Content", "Văn phòng Chính phủ đề nghị các bộ, ngành, địa phương…"),
    (M + "/e:SignerInfo/e:Competence", "KT. BỘ TRƯỞNG, CHỦ NHIỆM"),
    (M + "/e:SignerInfo/e:Position", "Phó Chủ nhiệm"),
    (M + "/e:SignerInfo/e:FullName", "Nguyễn Văn A"),
    (M + "/e:DueDate", "2025/10/15"),
    (M + "/e:OtherInfo/e:Priority", "1"),
    (M + "/e:OtherInfo/e:SphereOfPromulgation", "Liên thông văn bản quốc gia"),
    (M + "/e:OtherInfo/e:TyperNotation", "TVC"),
    (M + "/e:OtherInfo/e:PromulgationAmount", "3"),
    (M + "/e:OtherInfo/e:PageAmount", "2"),
    (M + "/e:OtherInfo/e:ReplyFors", "Công văn số 12/BNV-VP"),
    (M + "/e:OtherInfo/e:Direction", "true"),
    (M + "/e:OtherInfo/e:ReferenceCodes", "12/BNV-VP"),
    (M + "/e:OtherInfo/e:Appendixes/e:Appendix[2]", "Phụ lục II"),
    (M + "/e:ResponseFor/e:OrganId", "000.00.00.G09"),
    (M + "/e:ResponseFor/e:Code", "12/BNV-VP"),
    (M + "/e:ResponseFor/e:DocumentId", "000.00.00.G09,2025/09/01,12/BNV-VP"),
    (M + "/e:ResponseFor/e:PromulgationDate", "2025/09/01"),
    (M + "/e:SteeringType", "1"),
    (M + "/e:ToPlaces/e:Place[2]", "Lưu: VT, KSTT."),
    (M + "/e:ApplicationType", "QLVB"),
    (H + "/e:TraceHeaderList/e:TraceHeader[1]/e:OrganId", "000.00.00.G22"),
    (H + "/e:TraceHeaderList/e:TraceHeader[1]/e:Timestamp", "2025/09/30 08:15:00"),
    (H + "/e:TraceHeaderList/e:TraceHeader[2]/e:OrganId", "000.00.00.G09"),
    (B + "/e:DocumentId", "000.00.00.G22,2025/09/29,7800/VPCP-TTĐT"),
    (B + "/e:BussinessDocType", "2"),
    (B + "/e:BussinessDocReason", "Cập nhật danh sách nơi nhận"),
    (B + "/e:Paper", "0"),
    (B + "/e:BussinessDocumentInfo/e:DocumentInfo", "1"),
    (B + "/e:BussinessDocumentInfo/e:DocumentReceiver", "1"),
    (B + "/e:BussinessDocumentInfo/e:ReceiverList/e:Receiver/e:OrganId", "000.00.00.G09"),
    (B + "/e:BussinessDocumentInfo/e:ReceiverList/e:Receiver/e:ReceiverType", "1"),
    (
        B + "/e:ReplacementInfoList/e:ReplacementInfo/e:DocumentId",
        "000.00.00.G22,2025/09/28,7790/VPCP-TTĐT",
    ),
    (B + "/e:ReplacementInfoList/e:ReplacementInfo/e:OrganIdList/e:OrganId", "000.00.00.G09"),
    (B + "/e:StaffInfo/e:Department", "Phòng Hành chính"),
    (B + "/e:StaffInfo/e:Staff", "Trần Thị B"),
    (B + "/e:StaffInfo/e:Email", "b@chinhphu.vn"),
    (B + "/e:StaffInfo/e:Mobile", "0912345678"),
    ("/e:edXML/e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference[1]/e:ContentId", "cid:1"),
    (
        "/e:edXML/e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference[1]/e:ContentType",
        "application/pdf",
    ),
    (
        "/e:edXML/e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference[1]/e:Description",
        "Công văn số 7816",
    ),
    (
        "/e:edXML/e:edXMLEnvelope/e:edXMLBody/e:edXMLManifest/e:Reference[1]/e:AttachmentName",
        "7816-VPCP-TTĐT.pdf",
    ),
    ("/e:edXML/e:AttachmentEncoded/e:Attachment[1]/e:ContentId", "1"),
    ("/e:edXML/e:AttachmentEncoded/e:Attachment[1]/e:AttachmentName", "7816-VPCP-TTĐT.pdf"),
    ("/e:edXML/e:AttachmentEncoded/e:Attachment[1]/e:Description", "Công văn số 7816"),
    ("/e:edXML/e:AttachmentEncoded/e:Attachment[1]/e:ContentType", "application/pdf"),
]

STATUS_ELEMENTS = [
    (M + "/e:From/e:OrganId", "000.00.00.G09"),
    (M + "/e:From/e:OrganName", "Bộ Nội vụ"),
    (M + "/e:ResponseFor/e:OrganId", "000.00.00.G22"),
    (M + "/e:ResponseFor/e:Code", "7816/VPCP-TTĐT"),
    (M + "/e:ResponseFor/e:PromulgationDate", "2025/09/30"),
    (M + "/e:ResponseFor/e:DocumentId", "000.00.00.G22,2025/09/30,7816/VPCP-TTĐT"),
    (M + "/e:StaffInfo/e:Department", "Văn thư"),
    (M + "/e:StaffInfo/e:Staff", "Lê Văn C"),
    (M + "/e:StaffInfo/e:Mobile", "0987654321"),
    (M + "/e:StatusCode", "03"),
    (M + "/e:Description", "Đã xử lý"),
    (M + "/e:Timestamp", "2025/09/30 09:00:00"),
]


def _xpath(tree: etree._Element, path: str) -> list[etree._Element]:
    found = tree.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, etree._Element)]


@pytest.fixture(scope="module")
def document_tree() -> etree._Element:
    return etree.fromstring(write_package(full_document()))


@pytest.mark.parametrize(
    ("path", "text"),
    DOCUMENT_ELEMENTS,
    ids=[p.split(":")[-1] + str(i) for i, (p, _) in enumerate(DOCUMENT_ELEMENTS)],
)
def test_document_element_written_where_the_standard_puts_it(
    document_tree: etree._Element, path: str, text: str
) -> None:
    found = _xpath(document_tree, path)
    assert found, f"{path} not written"
    assert found[0].text == text


@pytest.mark.parametrize(
    ("path", "text"), STATUS_ELEMENTS, ids=[p.split(":")[-1] for p, _ in STATUS_ELEMENTS]
)
def test_status_element_written_where_the_standard_puts_it(path: str, text: str) -> None:
    tree = etree.fromstring(write_package(status(StatusCode.REGISTERED)))
    found = _xpath(tree, path)
    assert found, f"{path} not written"
    assert found[0].text == text


def test_every_element_is_read_back_into_the_model() -> None:
    original = full_document()
    read = parse_package(write_package(original))
    assert isinstance(read, DocumentPackage)
    assert read == original
    assert read.header.other_info is not None and read.header.other_info.direction is True
    assert read.attachments[1].zip_wrapped and read.attachments[1].content.read_bytes().endswith(b"phu luc\n")


def test_header_elements_follow_the_order_of_the_standard(document_tree: etree._Element) -> None:
    message = _xpath(document_tree, M)[0]
    order = [etree.QName(child).localname for child in message]
    expected = ["From", "To", "To", "DocumentId", "Code", "PromulgationInfo", "DocumentType", "Subject", "Content",
                "SignerInfo", "DueDate", "OtherInfo", "ResponseFor", "SteeringType", "ToPlaces", "ApplicationType"]  # fmt: skip
    assert order == expected


def test_wire_form_prefixes_and_spelling() -> None:
    text = write_package(full_document()).decode()
    assert text.startswith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">'
    )
    assert '<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">' in text
    assert "<edXML:Bussiness>" in text and "Business>" not in text.replace("Bussiness", "")
    assert "<AttachmentEncoded>" in text and "<Attachment>" in text and "<ContentTransferEncoded>" in text


@pytest.mark.parametrize("code", list(StatusCode), ids=[c.value for c in StatusCode])
def test_every_status_code_round_trips_with_its_label(code: StatusCode) -> None:
    package = status(code)
    data = write_package(package)
    read = parse_package(data)
    assert isinstance(read, StatusPackage)
    assert read == package
    assert read.status_code.value == code.value
    assert f"<edXML:StatusCode>{code.value}</edXML:StatusCode>" in data.decode()


def test_status_labels_are_the_standards_vietnamese_words() -> None:
    labels = {code.value: code.label_vi for code in StatusCode}
    assert labels == {
        "01": "Đã đến",
        "02": "Từ chối tiếp nhận",
        "03": "Đã tiếp nhận",
        "04": "Phân công xử lý",
        "05": "Đang xử lý",
        "06": "Hoàn thành",
        "13": "Yêu cầu lấy lại",
        "15": "Đồng ý lấy lại / cập nhật",
        "16": "Từ chối lấy lại / cập nhật",
    }
    # The labels are messages: one code each, rendered in the language asked for.
    assert len({code.label.code for code in StatusCode}) == len(StatusCode)
    assert StatusCode.REFUSED.label.code == "edxml-status-refused"
    assert render(StatusCode.REFUSED.label, "vi") == StatusCode.REFUSED.label_vi == "Từ chối tiếp nhận"
    assert render(StatusCode.DONE.label, "en") == StatusCode.DONE.label_en == "Done"
    assert StatusCode.RECALL_REQUESTED.sent_by_sender and not StatusCode.DONE.sent_by_sender
    assert StatusCode.parse("1") is StatusCode.RECEIVED
