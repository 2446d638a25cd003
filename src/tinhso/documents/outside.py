"""The exchange axis's door: what the national document axis brings in and takes out, for
documents.exchange_axis (which speaks edXML to the axis) and nothing else. Documents from
outside the province are received idempotently by (sender organ id, DocumentId); statuses
are applied to the documents they are about; revocations, updates and replacements withdraw
or annotate the copies they name. Every change is one transaction with its event and audit
record (documents.steps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.models import Agency

from .models import Document, Recipient, Status
from .steps import (
    CONTENT_MAX,
    EXCHANGE_ACTOR,
    IN,
    NOTE_MAX,
    OUT,
    SUBJECT_MAX,
    R,
    attach_received,
    audit_change,
    checked_text,
    recall_copy,
    search_text_of,
    write_event,
)
from .types import DocumentType


def external_sends():
    """Recipients outside the province of issued documents still to be sent, oldest first:
    what the exchange axis must package (edXML) and send. Mark each with `mark_sent`."""
    return (Recipient.objects.filter(agency__isnull=True, state=R.PENDING,
                                     document__status=Status.ISSUED)
            .select_related("document", "document__agency", "document__main_file")
            .order_by("pk"))


def document_id(document: Document) -> str:
    """The edXML DocumentId of an issued document: "<organ id>,<YYYY/MM/DD>,<number/notation>"."""
    day = timezone.localtime(document.issued_at)
    return f"{document.agency.code},{day:%Y/%m/%d},{document.notation}"


def mark_sent(recipient_ids, *, at=None) -> int:
    """The axis accepted these recipients' packages."""
    return Recipient.objects.filter(pk__in=list(recipient_ids), state=R.PENDING).update(
        state=R.SENT, state_at=at or timezone.now())


@dataclass
class ExternalDocument:
    """An incoming document as the exchange axis parsed it from an edXML package."""

    sender_organ_id: str
    sender_name: str
    document_id: str  # edXML DocumentId, unique per sender
    doc_type: str
    subject: str
    notation: str = ""  # "123/QĐ-UBND"
    issued_at: datetime | None = None
    signer_name: str = ""
    priority: int = 0
    content: str = ""
    response_for: str = ""  # the DocumentId of our document it answers
    files: list = field(default_factory=list)  # (name, bytes): the first one is the main file


def receive_external(agency: Agency, data: ExternalDocument) -> tuple[Document, bool]:
    """An incoming document from outside the province, waiting for registration at `agency`.
    Idempotent: the same (sender, DocumentId) again returns the first one, created=False."""
    organ = (data.sender_organ_id or "").strip()
    key = f"{organ}|{(data.document_id or '').strip()}"
    if not organ or not (data.document_id or "").strip():
        raise ValidationFailed(_("Văn bản đến thiếu mã cơ quan gửi hoặc mã văn bản."),
                               code="missing_key")
    if len(key) > 300 or len(organ) > 50:
        raise ValidationFailed(_("Mã cơ quan gửi hoặc mã văn bản quá dài."), code="key_too_long")
    existing = Document.objects.filter(agency=agency, source_key=key).first()
    if existing is not None:
        return existing, False
    doc_type = data.doc_type if data.doc_type in DocumentType.values \
        else DocumentType.OFFICIAL_LETTER
    at = timezone.now()
    try:
        return _create_external(agency, data, key, organ, doc_type, at), True
    except IntegrityError:  # the same package received meanwhile by another worker
        return Document.objects.get(agency=agency, source_key=key), False


def _create_external(agency, data: ExternalDocument, key, organ, doc_type, at) -> Document:
    with transaction.atomic():
        document = Document(
            agency=agency, direction=IN, status=Status.ARRIVED, doc_type=doc_type,
            subject=checked_text(data.subject, SUBJECT_MAX, _("trích yếu"), required=True),
            content=(data.content or "")[:CONTENT_MAX],
            sender_name=checked_text(data.sender_name, 255, _("cơ quan ban hành"), required=True),
            sender_organ_id=organ[:50], notation=(data.notation or "")[:100],
            issued_at=data.issued_at, signer_name=(data.signer_name or "")[:200],
            priority=data.priority if data.priority in range(5) else 0, source_key=key,
            received_at=at, created_at=at, updated_at=at,
            response_for=_find_issued(data.response_for, agency))
        document.search_text = search_text_of(document)
        document.save()
        attach_received(document, [(n[:200], b) for n, b in data.files])
        write_event(document, "arrive", EXCHANGE_ACTOR, at=at, data={"source_key": key})
        audit_change("received_external", None, document, {"source_key": key})
    return document


def _find_issued(doc_id: str, agency: Agency | None = None) -> Document | None:
    """Our issued document named by an edXML DocumentId, or None."""
    parts = (doc_id or "").split(",", 2)
    if len(parts) != 3:
        return None
    organ, day, code = (p.strip() for p in parts)
    qs = Document.objects.filter(direction=OUT, agency__code=organ, notation=code)
    if agency is not None:
        qs = qs.filter(agency=agency)
    try:
        year = int(day[:4])
    except ValueError:
        return None
    return qs.filter(number_year=year).first()


STATUS_CODES = {
    "01": R.ARRIVED, "02": R.REFUSED, "03": R.REGISTERED, "04": R.ASSIGNED,
    "05": R.PROCESSING, "06": R.COMPLETED, "15": R.RECALLED, "16": R.RECALL_REFUSED,
}
RECALL_REQUEST = "13"


def apply_status(*, document_id: str, from_organ_id: str, status_code: str,
                 sender_organ_id: str = "", description: str = "", at=None):
    """A status message from the exchange axis (edXML status codes).

    - About a document we issued (`document_id` is ours): the recipient `from_organ_id`
      reports arrived (01), refused (02), registered (03), assigned (04), processing (05),
      completed (06), recall accepted (15) or refused (16): its Recipient row is updated.
    - A recall request (13) from `sender_organ_id` about a document it sent us: our copy is
      recalled (it leaves the lists, its history stays).
    Returns the Recipient or Document changed; an unknown document raises NotFound."""
    at = at or timezone.now()
    note = (description or "")[:500]
    if status_code == RECALL_REQUEST:
        return withdraw_received(sender_organ_id=sender_organ_id or from_organ_id,
                                 document_id=document_id, note=note, at=at)
    state = STATUS_CODES.get(status_code)
    if state is None:
        raise ValidationFailed(_("Mã trạng thái không hợp lệ: %(c)s.") % {"c": status_code},
                               code="bad_status_code")
    document = _find_issued(document_id)
    if document is None:
        raise NotFound(_("Không tìm thấy văn bản đã phát hành."))
    with transaction.atomic():
        recipient = (Recipient.objects.select_for_update()
                     .filter(document=document, agency__isnull=True,
                             organ_id=from_organ_id.strip()).first())
        if recipient is None:
            raise NotFound(_("Cơ quan này không phải nơi nhận của văn bản."))
        recipient.state, recipient.state_at, recipient.state_note = state, at, note
        recipient.save(update_fields=["state", "state_at", "state_note"])
        write_event(document, "status", EXCHANGE_ACTOR, from_status=document.status, at=at,
                    note=note, data={"recipient": recipient.organ_id, "code": status_code})
    return recipient


def withdraw_received(*, sender_organ_id: str, document_id: str, note: str = "",
                      agency: Agency | None = None, data: dict | None = None,
                      at=None) -> list[Document]:
    """The sender withdrew a document it sent (a recall request 13, a revocation, an update
    that takes `agency` off its receivers, a replacement): the copies (at `agency`, or across
    the province) leave the lists with their history kept; each owes the sender a 15.
    NotFound when no copy was ever received."""
    key = f"{sender_organ_id.strip()}|{document_id.strip()}"
    at = at or timezone.now()
    held = Document.objects.filter(source_key=key)
    if agency is not None:
        held = held.filter(agency=agency)
    with transaction.atomic():
        copies = list(held.select_for_update().exclude(status=Status.RECALLED))
        if not copies and not held.exists():
            raise NotFound(_("Không tìm thấy văn bản cần thu hồi hoặc thay thế."))
        for copy in copies:
            recall_copy(copy, EXCHANGE_ACTOR, note[:NOTE_MAX], at, data)
            audit_change("recalled_by_sender", None, copy, {"source_key": key, **(data or {})})
    return copies


def note_update(copy: Document, *, added: list[str], removed: list[str], note: str = "",
                at=None) -> Document:
    """The sender changed the receivers of a document we hold (edXML update): recorded in its
    history, which owes the sender a 15 (update accepted)."""
    with transaction.atomic():
        write_event(copy, "updated", EXCHANGE_ACTOR, from_status=copy.status, note=note[:NOTE_MAX],
                    at=at, data={"added": added, "removed": removed})
        audit_change("updated_by_sender", None, copy, {"added": added, "removed": removed})
    return copy
