"""edXML packages (QCVN 102:2016): build, sign, parse, judge. Pure functions over the
dataclasses of `model` (no database), for the documents app and the exchange axis.

    data = build_document(document, attachments)      # bytes, unsigned
    data = sign(actor, data)                           # the agency's seal, in edXMLHeader
    package = parse(data)                              # or EdxmlError(code, reason)
    refusal = check_acceptable(package)                # None, or why (status 02)
    package.key                                        # for the axis's duplicate check
"""

from .build import build_document, build_status, sign, with_signature_slot
from .errors import EdxmlError
from .model import (
    Attachment,
    BusinessInfo,
    Code,
    Document,
    DocumentType,
    Organ,
    OtherInfo,
    Package,
    Promulgation,
    Receiver,
    Replacement,
    ResponseFor,
    SignatureCheck,
    SignerInfo,
    StaffInfo,
    Status,
    TraceHeader,
    document_id_of,
)
from .names import NS
from .parse import MAX_BYTES, parse
from .policy import Refusal, check_acceptable, refusal_status, status_for

__all__ = [
    "MAX_BYTES", "NS", "Attachment", "BusinessInfo", "Code", "Document", "DocumentType",
    "EdxmlError", "Organ", "OtherInfo", "Package", "Promulgation", "Receiver", "Refusal",
    "Replacement", "ResponseFor", "SignatureCheck", "SignerInfo", "StaffInfo", "Status",
    "TraceHeader", "build_document", "build_status", "check_acceptable", "document_id_of",
    "parse", "refusal_status", "sign", "status_for", "with_signature_slot",
]
