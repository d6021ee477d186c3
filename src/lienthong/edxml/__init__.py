"""edXML packages (QCVN 102:2016): the model, a safe streaming parser, the writer and checks."""

from lienthong.edxml._builder import BuildError, DocumentBuilder
from lienthong.edxml._checks import Problem, Severity, check_field_lengths, check_package, validate_package
from lienthong.edxml._content import (
    AttachmentContent,
    AttachmentSink,
    BytesContent,
    ContentWriter,
    DigestSink,
    FileContent,
    MemorySink,
)
from lienthong.edxml._dates import (
    VIETNAM_TZ,
    format_date,
    format_timestamp,
    parse_date,
    parse_timestamp,
)
from lienthong.edxml._json import package_to_dict
from lienthong.edxml._limits import DEFAULT_LIMITS, FIELD_LENGTHS, Limits
from lienthong.edxml._model import (
    Attachment,
    Business,
    BusinessDocumentInfo,
    BusinessType,
    DocumentCode,
    DocumentHeader,
    DocumentPackage,
    DocumentType,
    ManifestReference,
    Organization,
    OtherInfo,
    Package,
    PromulgationInfo,
    Receiver,
    ReplacementInfo,
    ResponseFor,
    SignerInfo,
    StaffInfo,
    StatusPackage,
    TraceHeader,
    VendorElement,
)
from lienthong.edxml._namespaces import Namespace
from lienthong.edxml._parse import parse_package
from lienthong.edxml._schema import schema, validate_schema
from lienthong.edxml._status import StatusCode
from lienthong.edxml._writer import write_package, write_package_to

__all__ = [
    "DEFAULT_LIMITS",
    "FIELD_LENGTHS",
    "VIETNAM_TZ",
    "Attachment",
    "AttachmentContent",
    "AttachmentSink",
    "BuildError",
    "Business",
    "BusinessDocumentInfo",
    "BusinessType",
    "BytesContent",
    "ContentWriter",
    "DigestSink",
    "DocumentBuilder",
    "DocumentCode",
    "DocumentHeader",
    "DocumentPackage",
    "DocumentType",
    "FileContent",
    "Limits",
    "ManifestReference",
    "MemorySink",
    "Namespace",
    "Organization",
    "OtherInfo",
    "Package",
    "Problem",
    "PromulgationInfo",
    "Receiver",
    "ReplacementInfo",
    "ResponseFor",
    "Severity",
    "SignerInfo",
    "StaffInfo",
    "StatusCode",
    "StatusPackage",
    "TraceHeader",
    "VendorElement",
    "check_field_lengths",
    "check_package",
    "format_date",
    "format_timestamp",
    "package_to_dict",
    "parse_date",
    "parse_package",
    "parse_timestamp",
    "schema",
    "validate_package",
    "validate_schema",
    "write_package",
    "write_package_to",
]
