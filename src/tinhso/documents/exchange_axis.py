"""The exchange axis: official documents between the province's agencies and the rest of the
country, as sealed edXML packages through the national axis (a pull mailbox behind the
DocumentAxis port; in production reached through the LGSP gateway).

One worker, `tinhso document_exchange`, repeats three passes. Each may stop anywhere (a
crash, the axis down) and the next pass resumes where it stopped, because nothing is marked
done before the axis took it, and a package received is acknowledged only after it was
registered, applied or refused:

- send: the outside recipients of an issued document still pending
  (outside.external_sends) get it as one package, sealed by the sending agency (an update,
  BussinessDocType 2, for those added after the issue);
- statuses: what outside parties are owed is read from the documents' own events, written
  in the same transaction as each change, after a cursor: for a document that came from
  outside, 01 arrived, 03 registered, 04 assigned, 06 completed, 15 a recall or change
  accepted; for an issued document recalled, 13 to its outside recipients, and for receivers
  removed from one, the update package taking them off;
- receive: each agency's mailbox, package by package: parsed strictly and judged (edxml);
  a document is received at that agency (outside.receive_external), or refused with a
  status 02 and the reason; a status is applied to the document it is about; a revocation,
  update or replacement (BussinessDocType 1-3) is applied to the copy it names, or answered
  with a 16 when there is none.
"""

from __future__ import annotations

import logging
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime, time

from django.db import transaction
from django.utils import timezone

from tinhso.core.errors import DomainError
from tinhso.core.models import Agency
from tinhso.core.text import fold
from tinhso.signing import services as signing

from . import edxml, files, outside
from .axis_port import AxisError, AxisRefused, DocumentAxis
from .edxml import codes
from .models import AxisCursor, Document, DocumentEvent, DocumentFile, Recipient
from .types import DocumentType

log = logging.getLogger(__name__)
R = Recipient.State

# Events of a document that came from outside -> the status its sender is owed.
OWED_TO_SENDER = {"arrive": codes.ARRIVED, "register": codes.REGISTERED,
                  "assign": codes.ASSIGNED, "complete": codes.COMPLETED,
                  "recalled": codes.CHANGE_ACCEPTED, "updated": codes.CHANGE_ACCEPTED}
ADMINISTRATIVE = 2  # edXML DocumentType/Type: every document tinhso drafts is administrative
_TYPE_BY_NAME = {fold(str(label)): value for value, label in DocumentType.choices}


@dataclass
class Report:
    sent: int = 0
    statuses: int = 0
    received: int = 0
    refused: list[str] = field(default_factory=list)
    unavailable: str = ""


def organ(agency: Agency) -> edxml.Organ:
    """An agency on the axis: its code is its organ id (mã định danh)."""
    return edxml.Organ(organ_id=agency.code, organ_name=agency.name,
                       organ_add=agency.address or "")


def _seal(agency: Agency, data: bytes) -> bytes:
    return signing.seal_xml_for(agency, edxml.with_signature_slot(data))


# --- Send.

def package_of(document: Document, recipients: list[Recipient],
               business: edxml.BusinessInfo | None = None) -> bytes:
    """An issued document as the package its outside recipients get, sealed: its signed PDF
    and attachments, its number, dates, signer, what it answers, and (`business`) whether it
    is new to them or an update of its receivers."""
    number, _, notation = document.notation.partition("/")
    day = timezone.localtime(document.issued_at).date()
    rows = [document.main_file, *document.files.filter(kind=DocumentFile.Kind.ATTACHMENT)]
    attachments = [edxml.Attachment(name=row.name, data=files.read(row),
                                    content_type=mimetypes.guess_type(row.name)[0]
                                    or "application/octet-stream")
                   for row in rows]
    answered = ()
    source_key = document.response_for.source_key if document.response_for_id else None
    if source_key:
        answered_organ, _, answered_id = source_key.partition("|")
        answered = (edxml.ResponseFor(organ_id=answered_organ, document_id=answered_id,
                                      code=document.response_for.notation),)
    header = edxml.Document(
        sender=organ(document.agency),
        receivers=tuple(edxml.Organ(organ_id=r.organ_id, organ_name=r.name)
                        for r in recipients),
        code=edxml.Code(number, notation), promulgation=edxml.Promulgation(day),
        document_type=edxml.DocumentType(ADMINISTRATIVE, None,
                                         str(document.get_doc_type_display())),
        subject=document.subject, content=document.content,
        signer=edxml.SignerInfo(document.signer_name) if document.signer_name else None,
        other=edxml.OtherInfo(priority=document.priority), response_for=answered,
        business=business or edxml.BusinessInfo(), document_id=outside.document_id(document))
    data = edxml.build_document(header, attachments, trace=(
        edxml.TraceHeader(document.agency.code, timezone.localtime().replace(microsecond=0)),))
    return _seal(document.agency, data)


def send_documents(axis: DocumentAxis, report: Report, *, limit: int = 200) -> None:
    """Each issued document with outside recipients still pending, as one package."""
    by_document: dict[int, list[Recipient]] = {}
    for recipient in outside.external_sends()[:limit]:
        by_document.setdefault(recipient.document_id, []).append(recipient)
    for recipients in by_document.values():
        document = recipients[0].document
        data = package_of(document, recipients, _added_later(document, recipients))
        try:
            axis.send(document.agency.code, [r.organ_id for r in recipients], data)
        except AxisRefused as refused:  # never accepted as it is: say so on the recipients
            Recipient.objects.filter(pk__in=[r.pk for r in recipients]).update(
                state=R.REFUSED, state_at=timezone.now(), state_note=refused.message[:500])
            report.refused.append(f"{document.notation}: {refused.message}")
            continue
        outside.mark_sent([r.pk for r in recipients])
        report.sent += 1


def _added_later(document: Document, recipients: list[Recipient]) -> edxml.BusinessInfo | None:
    """An update (BussinessDocType 2) naming those of `recipients` added after the issue."""
    added = {organ for data in document.events.filter(action="update_recipients")
             .values_list("data", flat=True) for organ in data.get("added", [])}
    later = [r.organ_id for r in recipients if r.organ_id in added]
    if not later:
        return None
    return edxml.BusinessInfo(codes.BUSINESS_UPDATE, receivers=tuple(
        edxml.Receiver(codes.RECEIVER_ADDED, organ) for organ in later))


# --- Statuses owed, and receivers removed.

def _status(reporter: Agency, about: edxml.ResponseFor, code: str, note: str, at) -> bytes:
    status = edxml.Status(sender=organ(reporter), response_for=about, status_code=code,
                          timestamp=timezone.localtime(at).replace(microsecond=0),
                          description=note[:500] or codes.STATUS_CODE[code])
    return _seal(reporter, edxml.build_status(status))


def _owed(event: DocumentEvent) -> tuple[list[str], bytes] | None:
    """(recipients, package) of the status, or of the update package (receivers removed from
    an issued document), this event owes outside, or None."""
    document = event.document
    removed = event.data.get("removed_outside") if event.action == "update_recipients" else None
    if removed:
        gone = list(document.recipients.filter(agency__isnull=True, organ_id__in=removed))
        update = edxml.BusinessInfo(codes.BUSINESS_UPDATE, event.note[:500], receivers=tuple(
            edxml.Receiver(codes.RECEIVER_REMOVED, organ) for organ in removed))
        return removed, package_of(document, gone, update)
    if document.source_key and event.action in OWED_TO_SENDER:
        sender, _, document_id = document.source_key.partition("|")
        about = edxml.ResponseFor(organ_id=sender, document_id=document_id,
                                  code=document.notation)
        return [sender], _status(document.agency, about, OWED_TO_SENDER[event.action],
                                 event.note, event.at)
    if document.is_outgoing and event.action == "recall":
        organs = list(document.recipients.filter(agency__isnull=True)
                      .exclude(organ_id="").values_list("organ_id", flat=True))
        if organs:
            about = edxml.ResponseFor(organ_id=document.agency.code,
                                      document_id=outside.document_id(document),
                                      code=document.notation)
            return organs, _status(document.agency, about, codes.RECALL_REQUESTED,
                                    event.note, event.at)
    return None


def send_statuses(axis: DocumentAxis, report: Report, *, limit: int = 500) -> None:
    """The statuses owed since the cursor, in the order the changes happened; the cursor
    moves past each one only once the axis took it (or refused it for good)."""
    cursor = AxisCursor.objects.get_or_create(pk=1)[0]
    events = (DocumentEvent.objects.filter(pk__gt=cursor.last_event_id,
                                           action__in=[*OWED_TO_SENDER, "recall",
                                                       "update_recipients"])
              .select_related("document", "document__agency").order_by("pk")[:limit])
    for event in events:
        owed = _owed(event)
        if owed is not None:
            recipients, data = owed
            send = axis.send if event.action == "update_recipients" else axis.send_status
            try:
                send(event.document.agency.code, recipients, data)
                report.statuses += 1
            except AxisRefused as refused:
                report.refused.append(f"{event.document}: {refused.message}")
        AxisCursor.objects.filter(pk=1).update(last_event_id=event.pk)


# --- Receive.

def _doc_type(header: edxml.Document) -> str:
    by_name = _TYPE_BY_NAME.get(fold(header.document_type.type_name or ""))
    if by_name:
        return by_name
    prefix = header.code.notation.split("-", 1)[0]
    return prefix if prefix in DocumentType.values else DocumentType.OFFICIAL_LETTER


def external_document(package: edxml.Package) -> outside.ExternalDocument:
    header = package.document
    return outside.ExternalDocument(
        sender_organ_id=header.sender.organ_id,
        sender_name=header.sender.organ_name or header.sender.organ_id,
        document_id=header.key_id, doc_type=_doc_type(header), subject=header.subject,
        notation=str(header.code),
        issued_at=timezone.make_aware(datetime.combine(header.promulgation.date, time())),
        signer_name=header.signer.full_name if header.signer else "",
        priority=header.other.priority or 0, content=header.content,
        response_for=header.response_for[0].document_id if header.response_for else "",
        files=[(a.name, a.data) for a in package.attachments])


def _refuse(axis: DocumentAxis, agency: Agency, package: edxml.Package, reason: str, *,
            code: str = codes.REFUSED) -> str:
    """Status 02 (16 for a change) with the reason, to the sender; the reason for the
    acknowledgement."""
    status = edxml.status_for(package, code, reporter=organ(agency), description=reason[:500])
    axis.send_status(agency.code, [package.sender.organ_id],
                     _seal(agency, edxml.build_status(status)))
    return reason


def take(axis: DocumentAxis, agency: Agency, data: bytes) -> str:
    """One package from the agency's mailbox: "" when taken, else why it was refused."""
    try:
        package = edxml.parse(data)
    except edxml.EdxmlError as error:  # not readable: the sender learns it from the ack
        return error.message
    if package.kind == "status":
        status = package.status
        try:
            outside.apply_status(document_id=status.response_for.document_id,
                                 from_organ_id=status.sender.organ_id,
                                 status_code=status.status_code,
                                 sender_organ_id=status.response_for.organ_id,
                                 description=status.description)
        except DomainError as error:
            return error.message
        return ""
    business = package.document.business or edxml.BusinessInfo()
    changes = {r.organ_id: r.receiver_type for r in business.receivers}
    if agency.code not in {o.organ_id for o in package.document.receivers} | changes.keys():
        return _refuse(axis, agency, package, f"Cơ quan {agency.code} không có trong nơi "
                                              f"nhận của văn bản.")
    refusal = edxml.check_acceptable(package)
    if refusal is not None:
        return _refuse(axis, agency, package, refusal.reason)
    if business.doc_type == codes.BUSINESS_REVOCATION or (
            business.doc_type == codes.BUSINESS_UPDATE
            and changes.get(agency.code) == codes.RECEIVER_REMOVED):
        return _withdrawn(axis, agency, package, business)
    try:
        with transaction.atomic():
            document, created = outside.receive_external(agency, external_document(package))
            if business.doc_type == codes.BUSINESS_REPLACEMENT:
                _replace(agency, package, business, document)
    except DomainError as error:
        return _refuse(axis, agency, package, f"Từ chối tiếp nhận: {error.message}")
    if not created and business.doc_type == codes.BUSINESS_UPDATE:
        outside.note_update(document, **_receiver_changes(changes),
                            note=_change_note(business, changes))
        return ""
    if not created:
        return _refuse(axis, agency, package, f"Từ chối tiếp nhận: gói tin trùng, văn bản "
                                              f"{document.notation} đã đến ngày "
                                              f"{timezone.localtime(document.received_at):%d/%m/%Y}.")
    return ""


def _withdrawn(axis: DocumentAxis, agency: Agency, package: edxml.Package,
               business: edxml.BusinessInfo) -> str:
    """A revocation, or an update taking this agency off the receivers: our copy leaves the
    lists (a 15 is owed); nothing to withdraw is answered with a 16."""
    note = business.reason or codes.BUSINESS_DOC_TYPE[business.doc_type]
    try:
        outside.withdraw_received(sender_organ_id=package.sender.organ_id,
                                  document_id=package.document.key_id, note=note,
                                  agency=agency)
    except DomainError as error:
        return _refuse(axis, agency, package, str(error.message), code=codes.CHANGE_REFUSED)
    return ""


def _replace(agency: Agency, package: edxml.Package, business: edxml.BusinessInfo,
             document) -> None:
    """The copies at this agency of the documents the new one replaces leave the lists, each
    pointing to it (a 15 is owed for each); one never received is nothing to replace."""
    note = (f"Được thay thế bởi văn bản {document.notation}"
            + (f": {business.reason}" if business.reason else "."))
    for old in business.replacements:
        if old.organ_ids and agency.code not in old.organ_ids:
            continue
        try:
            outside.withdraw_received(sender_organ_id=package.sender.organ_id,
                                      document_id=old.document_id, note=note, agency=agency,
                                      data={"replaced_by": document.pk})
        except DomainError:
            continue


def _receiver_changes(changes: dict[str, int]) -> dict[str, list[str]]:
    return {"added": sorted(o for o, t in changes.items() if t == codes.RECEIVER_ADDED),
            "removed": sorted(o for o, t in changes.items() if t == codes.RECEIVER_REMOVED)}


def _change_note(business: edxml.BusinessInfo, changes: dict[str, int]) -> str:
    parts = [f"{codes.RECEIVER_TYPE[t]}: {o}" for o, t in sorted(changes.items())]
    return "; ".join(filter(None, ["Cơ quan gửi cập nhật văn bản", business.reason, *parts]))


def receive(axis: DocumentAxis, agency: Agency, report: Report, *, limit: int = 100) -> None:
    """The agency's mailbox, package by package, each acknowledged after it was handled."""
    for item in axis.received(agency.code, limit=limit):
        reason = take(axis, agency, axis.download(agency.code, item.message_id))
        axis.acknowledge(agency.code, item.message_id, done=not reason, reason=reason)
        if reason:
            report.refused.append(f"{item.message_id} ({item.sender}): {reason}")
        else:
            report.received += 1


def agencies():
    return Agency.objects.filter(is_active=True).order_by("pk")


def register_agencies(axis: DocumentAxis) -> int:
    """Every active agency of the province on the axis (idempotent)."""
    count = 0
    for agency in agencies():
        axis.register_agency(agency.code, agency.name)
        count += 1
    return count


SEND, RECEIVE = "send", "receive"


def run_pass(axis: DocumentAxis, *, only: str = "") -> Report:
    """Every mailbox, then documents to send, then the statuses owed (those of what was just
    received included); `only` one side, for a worker per side. An unreachable axis ends the
    pass early (the next one resumes)."""
    report = Report()
    try:
        if only != SEND:
            for agency in agencies():
                receive(axis, agency, report)
        if only != RECEIVE:
            send_documents(axis, report)
            send_statuses(axis, report)
    except AxisError as error:
        report.unavailable = error.message
        log.warning("exchange axis: %s", error.message)
    return report
