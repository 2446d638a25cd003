"""Reading packages from outside: tolerant of element order, strict on everything else.

Every element is looked up by name, so producers that put DocumentId after Code or ToPlaces
after OtherInfo are read alike. What is refused (an EdxmlError with a code and a Vietnamese
reason), before anything is registered: bytes over the size limit (checked before parsing),
XML that is not well-formed (an undeclared namespace prefix included), a DTD, a root that is
not edXML, a required field missing, a date or number badly written, a value outside its
code list, a manifest and files that do not match, base64 that does not decode.
The signature does not refuse a package here: its verdict is part of what is returned, and
`policy.check_acceptable` decides.

`parse(data, lenient=True)` is for reading, not receiving (`edxml_read`): only what leaves
nothing to read (too large, not well-formed, not edXML) is refused; every other refusal is
noted in `Package.problems` and the rest of the package is read as far as it goes.
"""

from __future__ import annotations

import base64
import binascii
import re
from contextvars import ContextVar
from datetime import date, datetime

from lxml import etree

from . import codes, signature
from .errors import EdxmlError
from .model import (
    KIND_DOCUMENT,
    KIND_STATUS,
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
    SignerInfo,
    StaffInfo,
    Status,
    TraceHeader,
)
from .names import DATE_FORMAT, HANOI, NS, TIMESTAMP_FORMAT, q

# A package is read whole in memory: 20 MiB of XML is about 15 MiB of files. libxml2 also
# caps one text node at 10 MB without its "huge" mode (kept off, as for every untrusted
# input), so one file can be at most about 7.5 MB decoded.
MAX_BYTES = 20 * 1024 * 1024
_DATE = re.compile(r"^\d{4}/\d{2}/\d{2}$")
_TIMESTAMP = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}$")
_DOCUMENT_ID = re.compile(r"^([^,]+),(\d{4}/\d{2}/\d{2}),(.+/.+)$")
_PREFIX = re.compile(r"Namespace prefix (\S+) on (\S+) is not defined")


# Refusals after which nothing of the package can be read, lenient or not.
FATAL = frozenset({"too_large", "malformed_xml", "undeclared_prefix", "dtd_forbidden",
                   "not_edxml", "bad_structure"})
# The problems noted by a lenient parse; None while parsing strictly.
_noted: ContextVar[list[tuple[str, str]] | None] = ContextVar("edxml_noted", default=None)


def _refuse(code: str, message: str):
    """Raise the refusal; in a lenient parse, note it and return (callers then go on with
    what they have: an empty text, None, no bytes)."""
    noted = _noted.get()
    if noted is None or code in FATAL:
        raise EdxmlError(message, code=code)
    noted.append((code, message))


def safe_tree(data: bytes) -> etree._Element:
    """The parsed XML, or a refusal: no entities, no network, no DTD, no huge nodes. A
    parser per call: its error log is this document's alone."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             load_dtd=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        text = str(exc)
        prefix = _PREFIX.search(text)
        if prefix:
            _refuse("undeclared_prefix",
                    f"Gói tin không đúng cú pháp XML: tiền tố không gian tên "
                    f"“{prefix.group(1)}” của phần tử “{prefix.group(2)}” chưa được khai báo "
                    f"(dòng {exc.lineno}).")
        if "XML_PARSE_HUGE" in text or "huge text node" in text:  # libxml2's wordings
            _refuse("too_large", "Gói tin có một tệp đính kèm quá lớn (trên 7,5 MB).")
        _refuse("malformed_xml", f"Gói tin không đúng cú pháp XML: {text}")
    except ValueError as exc:  # e.g. a str with an encoding declaration
        _refuse("malformed_xml", f"Gói tin không đúng cú pháp XML: {exc}")
    if root.getroottree().docinfo.internalDTD is not None:
        _refuse("dtd_forbidden", "Gói tin có khai báo DTD: không được phép trong edXML.")
    return root


# --- fields -------------------------------------------------------------------------------

def _child(node, name: str):
    return None if node is None else node.find(q(name))


def _text(node, name: str) -> str:
    child = _child(node, name)
    return (child.text or "").strip() if child is not None else ""


def _required(node, name: str, where: str) -> str:
    value = _text(node, name)
    if not value:
        _refuse("missing_field", f"Thiếu trường bắt buộc {where}/{name}.")
    return value


def _int(node, name: str, where: str, *, listed: str | None = None,
         required: bool = False) -> int | None:
    text = _required(node, name, where) if required else _text(node, name)
    if not text:
        return None
    if not text.isdigit():
        _refuse("bad_value", f"{where}/{name} phải là số nguyên, không phải “{text}”.")
        return None
    value = int(text)
    if listed and value not in codes.CODE_LISTS[listed]:
        allowed = ", ".join(f"{k} {v}" for k, v in codes.CODE_LISTS[listed].items())
        _refuse("bad_code", f"{where}/{name} = {value} không có trong danh mục ({allowed}).")
    return value


def _date(text: str, where: str) -> date | None:
    if not text:
        return None
    try:
        if not _DATE.match(text):
            raise ValueError
        return datetime.strptime(text, DATE_FORMAT).date()
    except ValueError:
        _refuse("bad_value", f"{where} phải viết theo dạng YYYY/MM/DD, không phải “{text}”.")


def _timestamp(text: str, where: str) -> datetime:
    try:
        if not _TIMESTAMP.match(text):
            raise ValueError
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=HANOI)
    except ValueError:
        _refuse("bad_value", f"{where} phải viết theo dạng YYYY/MM/DD HH:MM:SS, "
                             f"không phải “{text}”.")


def _organ(node, where: str) -> Organ:
    if node is None:
        _refuse("missing_field", f"Thiếu trường bắt buộc {where}.")
    return Organ(organ_id=_required(node, "OrganId", where),
                 organ_name=_text(node, "OrganName"),
                 organization_in_charge=_text(node, "OrganizationInCharge"),
                 organ_add=_text(node, "OrganAdd"), email=_text(node, "Email"),
                 telephone=_text(node, "Telephone"), fax=_text(node, "Fax"),
                 website=_text(node, "Website"))


def _response_for(node, where: str) -> ResponseFor:
    return ResponseFor(organ_id=_required(node, "OrganId", where),
                       document_id=_required(node, "DocumentId", where),
                       code=_text(node, "Code"),
                       promulgation_date=_date(_text(node, "PromulgationDate"),
                                               f"{where}/PromulgationDate"))


def _business(node) -> BusinessInfo | None:
    if node is None:
        return None
    where = "MessageHeader/BussinessDocumentInfo"
    doc_type = _int(node, "BussinessDocType", where, listed="BussinessDocType", required=True)
    receivers = tuple(
        Receiver(receiver_type=_int(item, "ReceiverType", f"{where}/ReceiverList/Receiver",
                                    listed="ReceiverType", required=True),
                 organ_id=_required(item, "OrganId", f"{where}/ReceiverList/Receiver"))
        for item in node.iterfind(f"{q('ReceiverList')}/{q('Receiver')}"))
    replacements = tuple(
        Replacement(document_id=_required(item, "DocumentId",
                                          f"{where}/ReplacementInfoList/ReplacementInfo"),
                    organ_ids=tuple((o.text or "").strip() for o in item.iterfind(
                        f"{q('OrganIdList')}/{q('OrganId')}") if (o.text or "").strip()))
        for item in node.iterfind(f"{q('ReplacementInfoList')}/{q('ReplacementInfo')}"))
    if doc_type == codes.BUSINESS_UPDATE and not receivers:
        _refuse("missing_field", f"Văn bản cập nhật (BussinessDocType 2) thiếu {where}/"
                                 "ReceiverList.")
    if doc_type == codes.BUSINESS_REPLACEMENT and not replacements:
        _refuse("missing_field", f"Văn bản thay thế (BussinessDocType 3) thiếu {where}/"
                                 "ReplacementInfoList.")
    return BusinessInfo(doc_type=doc_type, reason=_text(node, "BussinessDocReason"),
                        receivers=receivers, replacements=replacements)


def _document(node) -> Document:
    where = "MessageHeader"
    sender = _organ(_child(node, "From"), f"{where}/From")
    receivers = tuple(_organ(n, f"{where}/To") for n in node.iterfind(q("To")))
    if not receivers:
        _refuse("missing_field", f"Thiếu trường bắt buộc {where}/To (nơi nhận).")
    code_node = _child(node, "Code")
    if code_node is None:
        _refuse("missing_field", f"Thiếu trường bắt buộc {where}/Code.")
    code = Code(_required(code_node, "CodeNumber", f"{where}/Code"),
                _required(code_node, "CodeNotation", f"{where}/Code"))
    info = _child(node, "PromulgationInfo")
    promulgation = Promulgation(
        date=_date(_required(info, "PromulgationDate", f"{where}/PromulgationInfo"),
                   f"{where}/PromulgationInfo/PromulgationDate"),
        place=_text(info, "Place"))
    kind = _child(node, "DocumentType")
    document_type = DocumentType(
        type=_int(kind, "Type", f"{where}/DocumentType", listed="Type", required=True),
        type_detail=_int(kind, "TypeDetail", f"{where}/DocumentType"),
        type_name=_text(kind, "TypeName"))
    document_id = _text(node, "DocumentId")
    if document_id:
        match = _DOCUMENT_ID.match(document_id)
        if not match:
            _refuse("bad_value", f"{where}/DocumentId phải có dạng “mã cơ quan gửi,"
                                 f"YYYY/MM/DD,số/ký hiệu”, không phải “{document_id}”.")
        else:
            _date(match.group(2), f"{where}/DocumentId")
            if match.group(1) != sender.organ_id:
                _refuse("document_id_mismatch",
                        f"{where}/DocumentId nêu cơ quan gửi “{match.group(1)}” nhưng "
                        f"From/OrganId là “{sender.organ_id}”.")
    signer_node = _child(node, "SignerInfo")
    signer = None if signer_node is None else SignerInfo(
        full_name=_text(signer_node, "FullName"), position=_text(signer_node, "Position"),
        competence=_text(signer_node, "Competence"))
    other_node = _child(node, "OtherInfo")
    other = OtherInfo(
        priority=_int(other_node, "Priority", f"{where}/OtherInfo", listed="Priority"),
        sphere_of_promulgation=_text(other_node, "SphereOfPromulgation"),
        typer_notation=_text(other_node, "TyperNotation"),
        promulgation_amount=_int(other_node, "PromulgationAmount", f"{where}/OtherInfo"),
        page_amount=_int(other_node, "PageAmount", f"{where}/OtherInfo"),
        direction=_text(other_node, "Direction"),
        appendixes=tuple((a.text or "").strip() for a in other_node.iterfind(
            f"{q('Appendixes')}/{q('Appendix')}")) if other_node is not None else ())
    places = _child(node, "ToPlaces")
    return Document(
        sender=sender, receivers=receivers, code=code, promulgation=promulgation,
        document_type=document_type, subject=_required(node, "Subject", where),
        signer=signer, content=_text(node, "Content"),
        due_date=_date(_text(node, "DueDate"), f"{where}/DueDate"),
        to_places=tuple((p.text or "").strip() for p in places.iterfind(q("Place")))
        if places is not None else (),
        other=other,
        response_for=tuple(_response_for(n, f"{where}/ResponseFor")
                           for n in node.iterfind(q("ResponseFor"))),
        steering_type=_int(node, "SteeringType", where, listed="SteeringType"),
        business=_business(_child(node, "BussinessDocumentInfo")),
        document_id=document_id)


def _status(node) -> Status:
    where = "Status"
    response = _child(node, "ResponseFor")
    if response is None:
        _refuse("missing_field", f"Thiếu trường bắt buộc {where}/ResponseFor.")
    code = _required(node, "StatusCode", where)
    if code.isdigit() and len(code) == 1:  # "1" for "01": some producers drop the zero
        code = code.zfill(2)
    if code not in codes.STATUS_CODE:
        allowed = ", ".join(f"{k} {v}" for k, v in codes.STATUS_CODE.items())
        _refuse("bad_code", f"{where}/StatusCode = {code} không có trong danh mục ({allowed}).")
    staff = _child(node, "StaffInfo")
    return Status(
        sender=_organ(_child(node, "From"), f"{where}/From"),
        response_for=_response_for(response, f"{where}/ResponseFor"),
        status_code=code,
        timestamp=_timestamp(_required(node, "Timestamp", where), f"{where}/Timestamp"),
        description=_text(node, "Description"),
        staff=StaffInfo(department=_text(staff, "Department"), staff=_text(staff, "Staff"),
                        mobile=_text(staff, "Mobile"), email=_text(staff, "Email")))


def _trace(header) -> tuple[TraceHeader, ...]:
    where = "TraceHeaderList/TraceHeader"
    return tuple(
        TraceHeader(organ_id=_required(item, "OrganId", where),
                    timestamp=_timestamp(_required(item, "Timestamp", where),
                                         f"{where}/Timestamp"))
        for item in header.iterfind(f"{q('TraceHeaderList')}/{q('TraceHeader')}"))


# --- files --------------------------------------------------------------------------------

def _decode(text: str, name: str) -> bytes:
    try:
        return base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError):
        _refuse("bad_base64", f"Tệp đính kèm “{name}” không giải mã được (base64 hỏng).")
        return b""


def _attachments(root, body) -> tuple[Attachment, ...]:
    references = {}
    for node in body.iterfind(f"{q('edXMLManifest')}/{q('Reference')}"):
        content_id = _required(node, "ContentId", "edXMLManifest/Reference")
        if content_id in references:
            _refuse("duplicate_attachment", f"Danh mục tệp có hai mục trùng {content_id}.")
        references[content_id] = node
    files = {}
    for node in root.iterfind(f"{q('AttachmentEncoded')}/{q('Attachment')}"):
        content_id = node.get("ContentId") or _text(node, "ContentId")
        if not content_id:
            _refuse("missing_field", "Một tệp đính kèm không có ContentId.")
            continue
        if content_id in files:
            _refuse("duplicate_attachment", f"Có hai tệp đính kèm trùng {content_id}.")
        if content_id not in references:
            _refuse("attachment_not_in_manifest",
                    f"Tệp đính kèm {content_id} không có trong danh mục edXMLManifest.")
        files[content_id] = node
    result = []
    for content_id, reference in references.items():
        name = _text(reference, "AttachmentName") or content_id
        node = files.get(content_id)
        if node is None:
            _refuse("missing_attachment", f"Danh mục edXMLManifest nêu tệp “{name}” "
                                          f"({content_id}) nhưng gói tin không kèm tệp đó.")
            continue
        value = _child(node, "Value")
        text = (value if value is not None else node).text or ""
        result.append(Attachment(name=name, data=_decode(text, name),
                                 content_type=_text(reference, "ContentType"),
                                 description=_text(reference, "Description"),
                                 content_id=content_id))
    return tuple(result)


# --- the package --------------------------------------------------------------------------

def parse(data: bytes, *, max_bytes: int = MAX_BYTES, check_signature: bool = True,
          lenient: bool = False) -> Package:
    """The package read from `data`, with its signature's verdict; an EdxmlError when it is
    refused. `check_signature=False` skips the verdict (signature stays None); `lenient`
    refuses only what is FATAL and notes the rest in `problems`."""
    noted = _noted.set([] if lenient else None)
    try:
        return _parse(data, max_bytes, check_signature)
    finally:
        _noted.reset(noted)


def _parse(data: bytes, max_bytes: int, check_signature: bool) -> Package:
    if len(data) > max_bytes:
        _refuse("too_large", f"Gói tin {len(data):,} byte vượt giới hạn {max_bytes:,} byte."
                .replace(",", "."))
    root = safe_tree(data)
    if root.tag != q("edXML"):
        name = etree.QName(root)
        _refuse("not_edxml", f"Không phải gói tin edXML: phần tử gốc là “{name.localname}” "
                             f"(không gian tên “{name.namespace or ''}”) thay vì edXML trong "
                             f"không gian tên {NS}.")
    envelope = _child(root, "edXMLEnvelope")
    header = _child(envelope, "edXMLHeader")
    body = _child(envelope, "edXMLBody")
    if header is None or body is None:
        _refuse("not_edxml", "Không phải gói tin edXML: thiếu edXMLEnvelope/edXMLHeader hoặc "
                             "edXMLBody.")
    message, status = _child(header, "MessageHeader"), _child(header, "Status")
    if (message is None) == (status is None):
        _refuse("bad_structure", "edXMLHeader phải có đúng một trong hai: MessageHeader (văn "
                                 "bản) hoặc Status (trạng thái).")
    document = _document(message) if message is not None else None
    status_ = _status(status) if status is not None else None
    return Package(kind=KIND_DOCUMENT if document else KIND_STATUS, document=document,
                   status=status_, attachments=_attachments(root, body),
                   trace=_trace(header),
                   signature=signature.check(root, data) if check_signature else None,
                   size=len(data), problems=tuple(_noted.get() or ()))
