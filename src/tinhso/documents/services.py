"""The only functions that change official documents.

Each takes the acting official, checks what `policy` allows (another agency's document
answers NotFound, never 403), writes in one transaction with its event (DocumentEvent) and,
for what matters to security, an audit entry (core.audit); side effects (the exchange axis's
signals) run once the transaction commits.

Numbering (Nghị định 30/2020): an outgoing document takes its number when it is issued, in
the transaction that issues it, from its register's counter for the calendar year; the
counter row is locked (SELECT ... FOR UPDATE) while the number is taken, so concurrent issues
into one register get consecutive numbers, no gap and no duplicate, and an issue that fails
rolls its number back with it. Incoming documents take their number in the incoming register
the same way when they are registered.

Files never change: a revision is a new DocumentFile; signing reads the current file,
checks its hash, and stores the signed rendition as a new file (the seal likewise). Once
signed, a document cannot be revised; before that, revising a document already in review or
approved sends it back to draft: it needs review and approval again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import get_calendar
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.core.models import Agency, User
from tinhso.signing import services as signing

from . import files, policy, signals
from .models import Document, DocumentFile, Recipient, Register, RegisterCounter, Status
from .steps import (  # noqa: F401  (the limits are part of this module's API: forms, API)
    CONTENT_MAX,
    EXCHANGE_ACTOR,
    GONE,
    IN,
    NOTE_MAX,
    OUT,
    SUBJECT_MAX,
    R,
    attach_received,
    audit_change,
    checked_text,
    move,
    recall_copy,
    search_text_of,
    write_event,
)
from .types import DocumentType, default_issuer_abbreviation, notation

MAX_DUE_DAYS = 250


# --- Registers and numbers.

def register_for(agency: Agency, direction: str) -> Register:
    """The agency's register of that direction in use (created on first need)."""
    register = (Register.objects.filter(agency=agency, direction=direction, is_active=True)
                .order_by("pk").first())
    if register is None:
        name = (_("Sổ văn bản đi") if direction == OUT else _("Sổ văn bản đến"))
        register, _created = Register.objects.get_or_create(
            agency=agency, direction=direction, name=str(name),
            defaults={"issuer_abbreviation": default_issuer_abbreviation(agency)})
    return register


def next_number(register: Register, year: int) -> int:
    """The register's next number in `year`, taken under the counter row's lock: call inside
    the transaction that uses it (the lock is held until it commits or rolls back)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that uses the number")
    RegisterCounter.objects.get_or_create(register=register, year=year)
    counter = RegisterCounter.objects.select_for_update().get(register=register, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _year(at: datetime) -> int:
    return timezone.localtime(at).year


# --- Shared steps.

def _locked(actor, document, action: str) -> Document:
    """The document, locked for this change, after checking that `actor` may do `action`."""
    pk = document.pk if isinstance(document, Document) else int(document)
    found = Document.objects.select_for_update().filter(pk=pk).first()
    if found is None or not policy.is_member(actor, found.agency_id):
        if found is not None and actor is not None and actor.is_province_wide:
            raise PermissionDenied()
        raise NotFound(_("Không tìm thấy văn bản."))
    if not policy.may(actor, found, action):
        if action in policy.table(found) and found.status not in policy.table(found)[action][0]:
            raise Conflict(_("Văn bản đang ở trạng thái “%(status)s”: không thể thực hiện thao "
                             "tác này.") % {"status": found.get_status_display()},
                           code="wrong_status")
        raise PermissionDenied()
    return found


# --- Outgoing: drafting.

@dataclass
class DraftInput:
    doc_type: str
    subject: str
    content: str = ""
    priority: int = 0
    drafting_unit: str = ""
    file: object | None = None  # an uploaded PDF; without one, a PDF is laid out from content
    attachments: list = field(default_factory=list)
    recipient_agencies: list = field(default_factory=list)  # Agency or ids, in the province
    external_recipients: list = field(default_factory=list)  # (organ id, name) pairs
    response_for: Document | int | None = None


def _main_pdf(document: Document, data: DraftInput) -> tuple[str, bytes]:
    if data.file is not None:
        name, raw = files.read_upload(data.file)
        files.require_pdf(name, raw)
        return name, raw
    if not document.content:
        raise ValidationFailed(_("Vui lòng tải lên tệp PDF của văn bản hoặc nhập nội dung để "
                                 "tạo bản dự thảo."), code="no_content")
    register = register_for(document.agency, OUT)
    return "du-thao.pdf", files.render_draft(
        agency_name=document.agency.name, type_label=document.get_doc_type_display(),
        type_code=document.doc_type, issuer=register.issuer_abbreviation,
        subject=document.subject, content=document.content)


def _recipient_rows(document: Document, agencies, external) -> list[Recipient]:
    """Unsaved recipients: agencies in the province (or their ids) and outside (organ id,
    name) pairs, checked."""
    ids = {a.pk if isinstance(a, Agency) else int(a) for a in agencies}
    ids.discard(document.agency_id)  # an agency does not send to itself
    known = {a.pk: a for a in Agency.objects.filter(pk__in=ids, is_active=True)}
    if len(known) != len(ids):
        raise ValidationFailed(_("Có cơ quan nhận không tồn tại hoặc đã ngừng hoạt động."),
                               code="unknown_recipient")
    rows = [Recipient(document=document, agency=a, organ_id=a.code, name=a.name)
            for a in known.values()]
    for organ_id, name in external:
        organ_id, name = (organ_id or "").strip(), (name or "").strip()
        if not organ_id or not name:
            raise ValidationFailed(_("Nơi nhận ngoài tỉnh cần có mã định danh và tên cơ quan."),
                                   code="bad_external_recipient")
        rows.append(Recipient(document=document, organ_id=organ_id[:50], name=name[:255]))
    return rows


def _set_recipients(document: Document, agencies, external) -> None:
    rows = _recipient_rows(document, agencies, external)
    document.recipients.all().delete()
    Recipient.objects.bulk_create(rows)


def create_draft(actor, data: DraftInput) -> Document:
    if not policy.may_draft(actor):
        raise PermissionDenied(_("Chỉ cán bộ của một cơ quan mới soạn được văn bản."))
    if data.doc_type not in DocumentType.values:
        raise ValidationFailed(_("Loại văn bản không hợp lệ."), code="bad_type")
    subject = checked_text(data.subject, SUBJECT_MAX, _("trích yếu"), required=True,
                           code="missing_subject")
    content = checked_text(data.content, CONTENT_MAX, _("nội dung"))
    answered = None
    if data.response_for is not None:
        pk = getattr(data.response_for, "pk", data.response_for)
        answered = Document.objects.filter(pk=pk, agency_id=actor.agency_id,
                                           direction=IN).first()
        if answered is None:
            raise NotFound(_("Không tìm thấy văn bản đến được trả lời."))
    now = timezone.now()
    uploads = [files.read_upload(a) for a in data.attachments]
    with transaction.atomic():
        document = Document(
            agency=actor.agency, direction=OUT, status=Status.DRAFT, doc_type=data.doc_type,
            subject=subject, content=content, priority=int(data.priority or 0),
            drafting_unit=checked_text(data.drafting_unit, 30, _("đơn vị soạn thảo")),
            sender_name=actor.agency.name, sender_organ_id=actor.agency.code,
            created_by=actor, created_at=now, updated_at=now, response_for=answered)
        document.search_text = search_text_of(document)
        document.save()
        name, raw = _main_pdf(document, data)
        document.main_file = files.store(document, DocumentFile.Kind.DRAFT, name, raw,
                                         actor=actor)
        document.save(update_fields=["main_file"])
        for name, raw in uploads:
            files.store(document, DocumentFile.Kind.ATTACHMENT, name, raw, actor=actor)
        _set_recipients(document, data.recipient_agencies, data.external_recipients)
        write_event(document, "draft", actor,
                    data={"response_for": answered.pk if answered else None})
    return document


def set_recipients(actor, document, *, agencies=(), external=()) -> Document:
    """Replace the recipients of a document not yet signed (who receives it is part of
    what the leader approves)."""
    with transaction.atomic():
        document = _locked(actor, document, "revise")
        _set_recipients(document, agencies, external)
        write_event(document, "recipients", actor, from_status=document.status,
                    data={"agencies": len(agencies), "external": len(external)})
    return document


def revise(actor, document, *, file=None, content: str | None = None,
           subject: str | None = None, note: str = "") -> Document:
    """A new version of the draft. A document already in review or approved goes back to
    draft (its approval no longer covers the new text); a signed one cannot be revised."""
    document = Document.objects.filter(pk=getattr(document, "pk", document)).first()
    if document is not None and document.is_outgoing and document.status in (
            Status.SIGNED, Status.SEALED, Status.ISSUED, Status.RECALLED) \
            and policy.is_member(actor, document.agency_id):
        raise Conflict(_("Văn bản đã ký số: không được sửa. Muốn thay đổi, hãy soạn văn bản "
                         "mới."), code="signed_locked")
    with transaction.atomic():
        document = _locked(actor, document, "revise")
        before = document.status
        if subject is not None:
            document.subject = checked_text(subject, SUBJECT_MAX, _("trích yếu"), required=True)
        if content is not None:
            document.content = checked_text(content, CONTENT_MAX, _("nội dung"))
        if file is None and content is None and subject is None:
            raise ValidationFailed(_("Không có gì thay đổi."), code="nothing_changed")
        version = (document.files.filter(kind=DocumentFile.Kind.DRAFT)
                   .order_by("-version").values_list("version", flat=True).first() or 0) + 1
        name, raw = _main_pdf(document, DraftInput(document.doc_type, document.subject,
                                                   document.content, file=file))
        document.main_file = files.store(document, DocumentFile.Kind.DRAFT, name, raw,
                                         actor=actor, version=version)
        document.search_text = search_text_of(document)
        document.reviewer = document.approver = None
        move(document, "revise", actor, Status.DRAFT,
             note=checked_text(note, NOTE_MAX, _("ghi chú")),
             data={"version": version},
             fields=["subject", "content", "main_file", "search_text", "reviewer", "approver"])
        if before != Status.DRAFT:
            audit_change("revised_after_review", actor, document,
                         {"from": before, "version": version})
    return document


def submit(actor, document, *, note: str = "") -> Document:
    with transaction.atomic():
        document = _locked(actor, document, "submit")
        return move(document, "submit", actor, Status.IN_REVIEW,
                    note=checked_text(note, NOTE_MAX, _("ghi chú")))


def review(actor, document, *, note: str = "") -> Document:
    with transaction.atomic():
        document = _locked(actor, document, "review")
        document.reviewer = actor
        return move(document, "review", actor, Status.REVIEWED,
                    note=checked_text(note, NOTE_MAX, _("ý kiến thẩm định")), fields=["reviewer"])


def approve(actor, document, *, note: str = "") -> Document:
    with transaction.atomic():
        document = _locked(actor, document, "approve")
        document.approver = actor
        document = move(document, "approve", actor, Status.APPROVED,
                        note=checked_text(note, NOTE_MAX, _("ý kiến")), fields=["approver"],
                        data={"file_sha256": document.main_file.sha256})
        audit_change("approved", actor, document, {"file_sha256": document.main_file.sha256})
        return document


def send_back(actor, document, *, note: str) -> Document:
    """Returned to the drafter with the reason (review or approval refused)."""
    with transaction.atomic():
        document = _locked(actor, document, "send_back")
        document.reviewer = document.approver = None
        return move(document, "send_back", actor, Status.DRAFT,
                    note=checked_text(note, NOTE_MAX, _("lý do trả lại"), required=True),
                    fields=["reviewer", "approver"])


def sign(actor, document) -> Document:
    """The approved file signed with the leader's own key (PAdES), stored as a new file."""
    with transaction.atomic():
        document = _locked(actor, document, "sign")
        source = document.main_file
        signed = signing.sign_pdf(actor, files.read(source))
        document.main_file = files.store(document, DocumentFile.Kind.SIGNED, source.name,
                                         signed, actor=actor, version=source.version,
                                         parent=source, text=source.text)
        document.signer_name = actor.full_name or actor.username
        return move(document, "sign", actor, Status.SIGNED, fields=["main_file", "signer_name"],
                    data={"signed_sha256": document.main_file.sha256,
                           "draft_sha256": source.sha256})


def seal(actor, document) -> Document:
    """The agency's seal signature beside the leader's (an incremental update)."""
    with transaction.atomic():
        document = _locked(actor, document, "seal")
        source = document.main_file
        sealed = signing.seal_pdf(actor, files.read(source))
        verdict = signing.validate_pdf(sealed)
        if not verdict.is_valid:  # never issue what a recipient's check would reject
            raise ValidationFailed(_("Tệp sau khi đóng dấu không hợp lệ: %(m)s")
                                   % {"m": verdict.message}, code="seal_invalid")
        document.main_file = files.store(document, DocumentFile.Kind.SEALED, source.name,
                                         sealed, actor=actor, version=source.version,
                                         parent=source, text=source.text)
        return move(document, "seal", actor, Status.SEALED, fields=["main_file"],
                    data={"sealed_sha256": document.main_file.sha256})


# --- Outgoing: issue, delivery, recall.

def _deliver(document: Document, recipient: Recipient, at) -> Document:
    """The recipient agency's own incoming copy, waiting to be registered there."""
    copy = Document.objects.create(
        agency_id=recipient.agency_id, direction=IN, status=Status.ARRIVED,
        doc_type=document.doc_type, subject=document.subject, priority=document.priority,
        notation=document.notation, issued_at=document.issued_at,
        signer_name=document.signer_name, sender_name=document.sender_name,
        sender_organ_id=document.sender_organ_id, source=document, received_at=at,
        created_at=at, updated_at=at, search_text=document.search_text,
        response_for=_answered_copy(document, recipient.agency_id))
    copy.main_file = files.share(document.main_file, copy, DocumentFile.Kind.RECEIVED)
    copy.save(update_fields=["main_file"])
    for attachment in document.files.filter(kind=DocumentFile.Kind.ATTACHMENT):
        files.share(attachment, copy, DocumentFile.Kind.ATTACHMENT)
    write_event(copy, "arrive", document.agency.name, data={"source": document.pk}, at=at)
    recipient.delivered, recipient.state, recipient.state_at = copy, R.ARRIVED, at
    recipient.save(update_fields=["delivered", "state", "state_at"])
    return copy


def _answered_copy(document: Document, agency_id: int):
    """A reply delivered to the agency whose document it answers links to the original."""
    if document.response_for_id is None:
        return None
    source = document.response_for.source
    return source if source is not None and source.agency_id == agency_id else None


def issue(actor, document) -> Document:
    """Number, date and issue: delivered at once to the recipients in the province; the
    outside ones are announced to the exchange axis once committed (signals.distributed)."""
    with transaction.atomic():
        document = _locked(actor, document, "issue")
        if not document.recipients.exists():
            raise ValidationFailed(_("Văn bản chưa có nơi nhận."), code="no_recipients")
        at = timezone.now()
        register = register_for(document.agency, OUT)
        # The copies first, the number last: the counter row stays locked only for the few
        # statements between taking the number and the commit.
        recipients = list(document.recipients.select_related("agency"))
        copies = [_deliver(document, r, at) for r in recipients if not r.is_external]
        number = next_number(register, _year(at))
        document.register, document.number_year, document.number = register, _year(at), number
        document.notation = notation(number, document.doc_type, register.issuer_abbreviation,
                                     document.drafting_unit)
        document.issued_at = at
        document.search_text = search_text_of(document)
        move(document, "issue", actor, Status.ISSUED, at=at,
             data={"number": number, "notation": document.notation},
             fields=["register", "number_year", "number", "notation", "issued_at",
                      "search_text"])
        Document.objects.filter(pk__in=[c.pk for c in copies]).update(
            notation=document.notation, issued_at=at, search_text=document.search_text)
        audit_change("issued", actor, document, {"notation": document.notation,
                                                 "sha256": document.main_file.sha256})
        external = [r.pk for r in recipients if r.is_external]
        if external:
            transaction.on_commit(lambda: signals.distributed.send(
                Document, document_id=document.pk, recipient_ids=external))
    return document


def recall(actor, document, *, reason: str) -> Document:
    """Withdrawn: the recipients' copies in the province leave their lists (their history
    stays); outside recipients are asked to recall it through the exchange axis."""
    with transaction.atomic():
        document = _locked(actor, document, "recall")
        reason = checked_text(reason, NOTE_MAX, _("lý do thu hồi"), required=True)
        at = timezone.now()
        move(document, "recall", actor, Status.RECALLED, note=reason, at=at)
        external = []
        for recipient in document.recipients.select_related("delivered"):
            if recipient.is_external:
                recipient.state = R.RECALL_REQUESTED
                external.append(recipient.pk)
            elif recipient.delivered is not None:
                recall_copy(recipient.delivered, document.agency.name, reason, at)
                recipient.state = R.RECALLED
            recipient.state_at = at
            recipient.save(update_fields=["state", "state_at"])
        audit_change("recalled", actor, document, {"reason": reason})
        if external:
            transaction.on_commit(lambda: signals.recalled.send(
                Document, document_id=document.pk, recipient_ids=external))
    return document


def update_recipients(actor, document, *, agencies=(), external=(), remove=(),
                      reason: str) -> Document:
    """An issued document's receivers changed (edXML update, BussinessDocType 2): an agency
    of the province added gets its copy at once, an outside organ added is sent the document
    by the exchange axis; a receiver removed loses its copy, in the province at once, outside
    through an update package the axis sends (answered with a 15)."""
    with transaction.atomic():
        document = _locked(actor, document, "update_recipients")
        reason = checked_text(reason, NOTE_MAX, _("lý do cập nhật nơi nhận"), required=True)
        current = {r.pk: r for r in document.recipients.select_related("delivered")}
        removing = {int(getattr(r, "pk", r)) for r in remove}
        if not removing <= {pk for pk, r in current.items() if r.state not in GONE}:
            raise ValidationFailed(_("Nơi nhận cần bỏ không thuộc văn bản này hoặc đã bị thu "
                                     "hồi."), code="unknown_recipient")
        rows = _recipient_rows(document, agencies, external)
        held = {r.organ_id for r in current.values() if r.state not in GONE}
        again = sorted({r.name for r in rows if r.organ_id in held})
        if again:
            raise ValidationFailed(_("Đã là nơi nhận của văn bản: %(names)s.")
                                   % {"names": ", ".join(again)}, code="already_recipient")
        if not rows and not removing:
            raise ValidationFailed(_("Chọn nơi nhận cần thêm hoặc cần bỏ."), code="no_change")
        at = timezone.now()
        Recipient.objects.bulk_create(rows)
        for row in rows:
            if not row.is_external:
                _deliver(document, row, at)
        removed_outside = []
        for pk in sorted(removing):
            recipient = current[pk]
            if recipient.is_external and recipient.state != R.PENDING:
                recipient.state = R.RECALL_REQUESTED  # until its 15 comes back
                removed_outside.append(recipient.organ_id)
            else:  # in the province, or never sent: nothing is owed outside
                if recipient.delivered is not None:
                    recall_copy(recipient.delivered, document.agency.name, reason, at)
                recipient.state = R.RECALLED
            recipient.state_at, recipient.state_note = at, reason[:500]
            recipient.save(update_fields=["state", "state_at", "state_note"])
        change = {"added": [r.organ_id for r in rows],
                  "removed": [current[pk].organ_id for pk in sorted(removing)],
                  "removed_outside": removed_outside}
        write_event(document, "update_recipients", actor, from_status=document.status, note=reason,
                    at=at, data=change)
        audit_change("recipients_updated", actor, document, change)
        added_outside = [r.pk for r in rows if r.is_external]
        if added_outside:
            transaction.on_commit(lambda: signals.distributed.send(
                Document, document_id=document.pk, recipient_ids=added_outside))
    return document


# --- Incoming.

@dataclass
class IncomingInput:
    """An incoming document typed in by the clerk (a paper letter, an e-mail)."""

    doc_type: str
    subject: str
    sender_name: str
    notation: str = ""
    issued_on: datetime | None = None
    signer_name: str = ""
    priority: int = 0
    file: object | None = None
    attachments: list = field(default_factory=list)


def receive(actor, data: IncomingInput) -> Document:
    if not policy.may_receive(actor):
        raise PermissionDenied(_("Chỉ văn thư (cán bộ một cửa) hoặc lãnh đạo cơ quan mới tiếp "
                                 "nhận văn bản đến."))
    if data.doc_type not in DocumentType.values:
        raise ValidationFailed(_("Loại văn bản không hợp lệ."), code="bad_type")
    uploads = [files.read_upload(f) for f in [data.file, *data.attachments] if f is not None]
    at = timezone.now()
    with transaction.atomic():
        document = Document(
            agency=actor.agency, direction=IN, status=Status.ARRIVED, doc_type=data.doc_type,
            subject=checked_text(data.subject, SUBJECT_MAX, _("trích yếu"), required=True),
            sender_name=checked_text(data.sender_name, 255, _("cơ quan ban hành"), required=True),
            notation=checked_text(data.notation, 100, _("số, ký hiệu")), issued_at=data.issued_on,
            signer_name=checked_text(data.signer_name, 200, _("người ký")),
            priority=int(data.priority or 0), received_at=at, created_by=actor,
            created_at=at, updated_at=at)
        document.search_text = search_text_of(document)
        document.save()
        attach_received(document, uploads, actor)
        write_event(document, "receive", actor, at=at)
    return document


def _tell_sender(document: Document, state: str, at, note: str = "") -> None:
    """The sender learns what became of its document: in the province its Recipient row,
    outside through the exchange axis (signal, once committed)."""
    if document.source_id is not None:
        Recipient.objects.filter(delivered=document).exclude(
            state__in=GONE).update(
            state=state, state_at=at, state_note=note[:500])
    elif document.source_key:
        transaction.on_commit(lambda: signals.incoming_status_changed.send(
            Document, document_id=document.pk, state=state))


def register(actor, document) -> Document:
    """The incoming number (in the incoming register, per year) and the arrival recorded."""
    with transaction.atomic():
        document = _locked(actor, document, "register")
        at = timezone.now()
        book = register_for(document.agency, IN)
        number = next_number(book, _year(at))
        document.register, document.number_year, document.number = book, _year(at), number
        move(document, "register", actor, Status.REGISTERED, at=at,
             data={"incoming_number": number},
             fields=["register", "number_year", "number"])
        _tell_sender(document, R.REGISTERED, at)
    return document


def direct(actor, document, *, note: str) -> Document:
    with transaction.atomic():
        document = _locked(actor, document, "direct")
        document.direction_note = checked_text(note, NOTE_MAX, _("ý kiến chỉ đạo"), required=True,
                                               code="missing_direction")
        document.directed_by = actor
        return move(document, "direct", actor, Status.DIRECTED, note=document.direction_note,
                    fields=["direction_note", "directed_by"])


def assign(actor, document, *, assignee: User, unit: str = "", days: int = 10,
           note: str = "") -> Document:
    """Handed to an official of the agency, due `days` working days from now."""
    with transaction.atomic():
        document = _locked(actor, document, "assign")
        if assignee is None or not policy.is_member(assignee, document.agency_id):
            raise ValidationFailed(_("Cán bộ được giao phải thuộc cơ quan."),
                                   code="bad_assignee")
        if not 1 <= int(days) <= MAX_DUE_DAYS:
            raise ValidationFailed(_("Thời hạn xử lý phải từ 1 đến %(n)s ngày làm việc.")
                                   % {"n": MAX_DUE_DAYS}, code="bad_due")
        at = timezone.now()
        document.assignee = assignee
        document.assigned_unit = checked_text(unit, 200, _("đơn vị xử lý"))
        document.due_at = get_calendar().add_working_days(at, int(days))
        move(document, "assign", actor, Status.ASSIGNED, at=at,
             note=checked_text(note, NOTE_MAX, _("ghi chú")),
             data={"assignee": assignee.pk, "days": int(days),
                    "due_at": document.due_at.isoformat()},
             fields=["assignee", "assigned_unit", "due_at"])
        _tell_sender(document, R.ASSIGNED, at)
    return document


def complete(actor, document, *, note: str = "") -> Document:
    with transaction.atomic():
        document = _locked(actor, document, "complete")
        at = timezone.now()
        document.completed_at = at
        move(document, "complete", actor, Status.COMPLETED, at=at,
             note=checked_text(note, NOTE_MAX, _("kết quả xử lý")),
             data={"on_time": document.due_at is None or at <= document.due_at},
             fields=["completed_at"])
        _tell_sender(document, R.COMPLETED, at)
    return document
