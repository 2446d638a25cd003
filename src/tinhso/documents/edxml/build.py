"""Writing packages: a document or a status as edXML bytes, unsigned; `sign` seals them.

What is written is checked against the code lists first: the builder never writes a package
the parser would refuse.
"""

from __future__ import annotations

import base64
from datetime import date, datetime

from lxml import etree

from . import codes
from .errors import EdxmlError
from .model import (
    Attachment,
    BusinessInfo,
    Document,
    Organ,
    ResponseFor,
    Status,
    TraceHeader,
    document_id_of,
)
from .names import DATE_FORMAT, DS, HANOI, NSMAP, TIMESTAMP_FORMAT, q


def _add(parent, name: str, text=None):
    node = etree.SubElement(parent, q(name))
    if text is not None:
        node.text = str(text)
    return node


def _date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def _timestamp(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(HANOI)
    return value.strftime(TIMESTAMP_FORMAT)


def _organ(parent, name: str, organ: Organ) -> None:
    node = _add(parent, name)
    _add(node, "OrganId", organ.organ_id)
    _add(node, "OrganizationInCharge", organ.organization_in_charge)
    _add(node, "OrganName", organ.organ_name)
    _add(node, "OrganAdd", organ.organ_add)
    _add(node, "Email", organ.email)
    _add(node, "Telephone", organ.telephone)
    _add(node, "Fax", organ.fax)
    _add(node, "Website", organ.website)


def _response_for(parent, response: ResponseFor) -> None:
    node = _add(parent, "ResponseFor")
    _add(node, "OrganId", response.organ_id)
    _add(node, "Code", response.code)
    _add(node, "PromulgationDate", _date(response.promulgation_date))
    _add(node, "DocumentId", response.document_id)


def _coded(field: str, value) -> None:
    if value is not None and value not in codes.CODE_LISTS[field]:
        raise EdxmlError(f"Giá trị {value!r} không có trong danh mục {field}.",
                         code="bad_code")


def _business(parent, info: BusinessInfo) -> None:
    _coded("BussinessDocType", info.doc_type)
    node = _add(parent, "BussinessDocumentInfo")
    _add(node, "BussinessDocType", info.doc_type)
    _add(node, "BussinessDocReason", info.reason)
    if info.receivers:
        receivers = _add(node, "ReceiverList")
        for receiver in info.receivers:
            _coded("ReceiverType", receiver.receiver_type)
            item = _add(receivers, "Receiver")
            _add(item, "ReceiverType", receiver.receiver_type)
            _add(item, "OrganId", receiver.organ_id)
    if info.replacements:
        replacements = _add(node, "ReplacementInfoList")
        for replacement in info.replacements:
            item = _add(replacements, "ReplacementInfo")
            _add(item, "DocumentId", replacement.document_id)
            organs = _add(item, "OrganIdList")
            for organ_id in replacement.organ_ids:
                _add(organs, "OrganId", organ_id)


def _message_header(header, doc: Document) -> None:
    if not doc.receivers:
        raise EdxmlError("Văn bản phải có ít nhất một nơi nhận.", code="missing_field")
    _coded("Priority", doc.other.priority)
    _coded("SteeringType", doc.steering_type)
    _coded("Type", doc.document_type.type)
    node = _add(header, "MessageHeader")
    _organ(node, "From", doc.sender)
    for receiver in doc.receivers:
        _organ(node, "To", receiver)
    _add(node, "DocumentId", doc.document_id or document_id_of(
        doc.sender.organ_id, doc.promulgation.date, doc.code))
    code = _add(node, "Code")
    _add(code, "CodeNumber", doc.code.number)
    _add(code, "CodeNotation", doc.code.notation)
    promulgation = _add(node, "PromulgationInfo")
    _add(promulgation, "Place", doc.promulgation.place)
    _add(promulgation, "PromulgationDate", _date(doc.promulgation.date))
    kind = _add(node, "DocumentType")
    _add(kind, "Type", doc.document_type.type)
    _add(kind, "TypeDetail", "" if doc.document_type.type_detail is None
         else doc.document_type.type_detail)
    _add(kind, "TypeName", doc.document_type.type_name)
    _add(node, "Subject", doc.subject)
    _add(node, "Content", doc.content)
    if doc.signer is not None:
        signer = _add(node, "SignerInfo")
        _add(signer, "Competence", doc.signer.competence)
        _add(signer, "Position", doc.signer.position)
        _add(signer, "FullName", doc.signer.full_name)
    _add(node, "DueDate", _date(doc.due_date))
    places = _add(node, "ToPlaces")
    for place in doc.to_places:
        _add(places, "Place", place)
    other = _add(node, "OtherInfo")
    _add(other, "Priority", "" if doc.other.priority is None else doc.other.priority)
    _add(other, "SphereOfPromulgation", doc.other.sphere_of_promulgation)
    _add(other, "TyperNotation", doc.other.typer_notation)
    _add(other, "PromulgationAmount", "" if doc.other.promulgation_amount is None
         else doc.other.promulgation_amount)
    _add(other, "PageAmount", "" if doc.other.page_amount is None else doc.other.page_amount)
    _add(other, "Direction", doc.other.direction)
    appendixes = _add(other, "Appendixes")
    for appendix in doc.other.appendixes:
        _add(appendixes, "Appendix", appendix)
    for response in doc.response_for:
        _response_for(node, response)
    if doc.steering_type is not None:
        _add(node, "SteeringType", doc.steering_type)
    if doc.business is not None:
        _business(node, doc.business)


def _trace(header, trace: tuple[TraceHeader, ...]) -> None:
    node = _add(header, "TraceHeaderList")
    for item in trace:
        entry = _add(node, "TraceHeader")
        _add(entry, "OrganId", item.organ_id)
        _add(entry, "Timestamp", _timestamp(item.timestamp))


def _envelope():
    root = etree.Element(q("edXML"), nsmap=NSMAP)
    envelope = _add(root, "edXMLEnvelope")
    return root, _add(envelope, "edXMLHeader"), _add(envelope, "edXMLBody")


def _files(root, body, attachments: list[Attachment]) -> None:
    manifest = _add(body, "edXMLManifest")
    encoded = _add(root, "AttachmentEncoded") if attachments else None
    seen = set()
    for number, attachment in enumerate(attachments, start=1):
        content_id = attachment.content_id or f"cid:{number}"
        if content_id in seen:
            raise EdxmlError(f"Hai tệp đính kèm trùng ContentId {content_id}.",
                             code="duplicate_attachment")
        seen.add(content_id)
        reference = _add(manifest, "Reference")
        _add(reference, "ContentId", content_id)
        _add(reference, "ContentType", attachment.content_type)
        _add(reference, "AttachmentName", attachment.name)
        _add(reference, "Description", attachment.description)
        node = _add(encoded, "Attachment")
        node.set("ContentId", content_id)
        node.set("ContentType", attachment.content_type)
        node.set("ContentTransferEncoding", "base64")
        node.set("AttachmentName", attachment.name)
        node.text = base64.b64encode(attachment.data).decode("ascii")


def _bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def build_document(document: Document, attachments: list[Attachment] = (), *,
                   trace: tuple[TraceHeader, ...] = ()) -> bytes:
    """The document's package, unsigned: MessageHeader, TraceHeaderList, manifest, files."""
    root, header, body = _envelope()
    _message_header(header, document)
    _trace(header, trace)
    _files(root, body, list(attachments))
    return _bytes(root)


def build_status(status: Status, *, trace: tuple[TraceHeader, ...] = ()) -> bytes:
    """A status message's package, unsigned (no files)."""
    _coded("StatusCode", status.status_code)
    root, header, body = _envelope()
    node = _add(header, "Status")
    _response_for(node, status.response_for)
    _organ(node, "From", status.sender)
    _add(node, "StatusCode", status.status_code)
    _add(node, "Description", status.description)
    _add(node, "Timestamp", _timestamp(status.timestamp))
    staff = _add(node, "StaffInfo")
    _add(staff, "Department", status.staff.department)
    _add(staff, "Staff", status.staff.staff)
    _add(staff, "Mobile", status.staff.mobile)
    _add(staff, "Email", status.staff.email)
    _trace(header, trace)
    _add(body, "edXMLManifest")
    return _bytes(root)


def with_signature_slot(data: bytes) -> bytes:
    """The package with `<ds:Signature Id="placeholder"/>` as the last child of edXMLHeader:
    where the signing service puts the signature (the standard's place for it)."""
    from .parse import safe_tree  # the same safe parser as for what comes from outside

    root = safe_tree(data)
    header = root.find(f"{q('edXMLEnvelope')}/{q('edXMLHeader')}")
    if header is None:
        raise EdxmlError("Gói tin không có edXMLHeader.", code="not_edxml")
    if root.find(f".//{{{DS}}}Signature") is not None:
        raise EdxmlError("Gói tin đã có chữ ký.", code="already_signed")
    etree.SubElement(header, f"{{{DS}}}Signature", nsmap={None: DS}).set("Id", "placeholder")
    return _bytes(root)


def sign(actor, data: bytes) -> bytes:
    """The package sealed by the acting official's agency (its seal key signs what the agency
    sends), the signature in edXMLHeader, through the signing service (audited there)."""
    from tinhso.signing import services

    return services.sign_xml(actor, with_signature_slot(data), seal=True)
