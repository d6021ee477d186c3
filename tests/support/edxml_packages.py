"""Packages built from the model with every element the standard names, for the edXML tests."""

from __future__ import annotations

from datetime import date, datetime

from lienthong.edxml import (
    VIETNAM_TZ,
    Attachment,
    Business,
    BusinessDocumentInfo,
    BusinessType,
    BytesContent,
    DocumentCode,
    DocumentHeader,
    DocumentPackage,
    DocumentType,
    Limits,
    ManifestReference,
    Organization,
    OtherInfo,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusCode,
    StatusPackage,
    TraceHeader,
    VendorElement,
)

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)

#: Forces the streaming parser on every package, so both ways in are tested on the same input.
STREAMING = Limits(in_memory_bytes=64)


def full_document(
    *, business: Business | None = None, attachments: tuple[Attachment, ...] | None = None
) -> DocumentPackage:
    """A document package in which every element of EDXML.md §2 carries a value."""
    if attachments is None:
        attachments = (
            Attachment(
                content_id="1",
                name="7816-VPCP-TTĐT.pdf",
                content_type="application/pdf",
                content=BytesContent(PDF),
                description="Công văn số 7816",
            ),
            Attachment(
                content_id="2",
                name="phu-luc.pdf",
                content_type="application/pdf",
                content=BytesContent(PDF + b"% phu luc\n"),
                description="Phụ lục",
                zip_wrapped=True,
            ),
        )
    return DocumentPackage(
        header=DocumentHeader(
            from_=Organization(
                organ_id="000.00.00.G22",
                organization_in_charge="Văn phòng Chính phủ",
                organ_name="Cục Kiểm soát thủ tục hành chính",
                organ_add="16 Lê Hồng Phong, Ba Đình, Hà Nội",
                email="vpcp@chinhphu.vn",
                telephone="080 43162",
                fax="080 44130",
                website="https://vpcp.chinhphu.vn",
            ),
            to=(
                Organization(organ_id="000.00.00.G09", organ_name="Bộ Nội vụ"),
                Organization(organ_id="000.00.12.H26", organ_name="Sở Nội vụ thành phố Hà Nội"),
            ),
            document_id="000.00.00.G22,2025/09/30,7816/VPCP-TTĐT",
            code=DocumentCode(number="7816", notation="VPCP-TTĐT"),
            promulgation=PromulgationInfo(place="Hà Nội", promulgation_date=date(2025, 9, 30)),
            document_type=DocumentType(type=1, type_detail=2, type_name="Công văn"),
            subject='Về việc triển khai Trục liên thông văn bản quốc gia & <kết nối> "mới"',
            content="Văn phòng Chính phủ đề nghị các bộ, ngành, địa phương…",
            signer_info=SignerInfo(
                competence="KT. BỘ TRƯỞNG, CHỦ NHIỆM",
                position="Phó Chủ nhiệm",
                full_name="Nguyễn Văn A",
            ),
            due_date=date(2025, 10, 15),
            other_info=OtherInfo(
                priority=1,
                sphere_of_promulgation="Liên thông văn bản quốc gia",
                typer_notation="TVC",
                promulgation_amount=3,
                page_amount=2,
                reply_fors="Công văn số 12/BNV-VP",
                direction=True,
                reference_codes="12/BNV-VP",
                appendixes=("Phụ lục I", "Phụ lục II"),
            ),
            response_for=(
                ResponseFor(
                    organ_id="000.00.00.G09",
                    document_id="000.00.00.G09,2025/09/01,12/BNV-VP",
                    code="12/BNV-VP",
                    promulgation_date=date(2025, 9, 1),
                ),
            ),
            steering_type=1,
            to_places=("Như trên;", "Lưu: VT, KSTT."),
            vendor_elements=(
                VendorElement(
                    b'<edXML:ApplicationType xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">QLVB</edXML:ApplicationType>'
                ),
            ),
        ),
        trace=(
            TraceHeader(
                organ_id="000.00.00.G22",
                timestamp=datetime(2025, 9, 30, 8, 15, 0, tzinfo=VIETNAM_TZ),
            ),
            TraceHeader(
                organ_id="000.00.00.G09",
                timestamp=datetime(2025, 9, 30, 8, 15, 2, tzinfo=VIETNAM_TZ),
            ),
        ),
        business=business
        if business is not None
        else Business(
            business_type=BusinessType.UPDATE,
            document_id="000.00.00.G22,2025/09/29,7800/VPCP-TTĐT",
            reason="Cập nhật danh sách nơi nhận",
            paper=0,
            document_info=BusinessDocumentInfo(
                document_info=1,
                document_receiver=1,
                receivers=(Receiver(organ_id="000.00.00.G09", receiver_type=1),),
            ),
            replacements=(
                ReplacementInfo(
                    document_id="000.00.00.G22,2025/09/28,7790/VPCP-TTĐT",
                    organ_ids=("000.00.00.G09",),
                ),
            ),
            staff_info=StaffInfo(
                department="Phòng Hành chính",
                staff="Trần Thị B",
                email="b@chinhphu.vn",
                mobile="0912345678",
            ),
        ),
        manifest=tuple(
            ManifestReference(
                content_id=a.content_id,
                content_type=a.content_type,
                description=a.description,
                attachment_name=a.name,
            )
            for a in attachments
        ),
        attachments=attachments,
    )


def status(code: StatusCode, *, description: str | None = "Đã xử lý") -> StatusPackage:
    sender = "000.00.00.G22" if code is StatusCode.RECALL_REQUESTED else "000.00.00.G09"
    return StatusPackage(
        from_=Organization(organ_id=sender, organ_name="Bộ Nội vụ", email="vanthu@moha.gov.vn"),
        response_for=ResponseFor(
            organ_id="000.00.00.G22",
            document_id="000.00.00.G22,2025/09/30,7816/VPCP-TTĐT",
            code="7816/VPCP-TTĐT",
            promulgation_date=date(2025, 9, 30),
        ),
        status_code=code,
        timestamp=datetime(2025, 9, 30, 9, 0, 0, tzinfo=VIETNAM_TZ),
        staff_info=StaffInfo(
            department="Văn thư", staff="Lê Văn C", mobile="0987654321", email="c@moha.gov.vn"
        ),
        description=description,
    )
