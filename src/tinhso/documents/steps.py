"""The steps every change to a document takes, shared by the officials' services
(documents.services) and the exchange axis's door (documents.outside): text checked against
its limit, the folded search text, the event in the document's history, the audit record,
the status moved, a delivered copy withdrawn, received files attached."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.errors import ValidationFailed
from tinhso.core.limits import bounded
from tinhso.core.models import User
from tinhso.core.text import fold

from . import files
from .models import Document, DocumentEvent, DocumentFile, Recipient, Status

SUBJECT_MAX = 1000
CONTENT_MAX = 20_000
NOTE_MAX = 2000
OUT, IN = Document.Direction.OUTGOING, Document.Direction.INCOMING
R = Recipient.State
GONE = (R.RECALLED, R.RECALL_REQUESTED)  # a recipient no longer holding the document
EXCHANGE_ACTOR = "Trục liên thông văn bản"


def checked_text(value: str, limit: int, what, *, required: bool = False, code: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("Vui lòng nhập %(what)s.") % {"what": what},
                               code=code or "required")
    return bounded(value, limit, what)


def search_text_of(document: Document) -> str:
    return fold(" ".join(filter(None, [document.notation, document.subject,
                                       document.sender_name, document.sender_organ_id])))


def write_event(document: Document, action: str, actor, *, from_status: str = "", note: str = "",
                data: dict | None = None, at=None) -> DocumentEvent:
    user = actor if isinstance(actor, User) else None
    return DocumentEvent.objects.create(
        document=document, at=at or timezone.now(), actor=user,
        actor_name=(user.full_name or user.username) if user else (actor or EXCHANGE_ACTOR),
        action=action, from_status=from_status, to_status=document.status, note=note,
        data=data or {})


def audit_change(action: str, actor, document: Document, data: dict | None = None) -> None:
    audit.record(f"document.{action}", actor=actor if isinstance(actor, User) else None,
                 target=("documents.Document", document.pk), data=data or {})


def move(document: Document, action: str, actor, to: str, *, note: str = "",
         data: dict | None = None, fields=(), at=None) -> Document:
    before = document.status
    document.status = to
    document.updated_at = at or timezone.now()
    document.save(update_fields=["status", "updated_at", *fields])
    write_event(document, action, actor, from_status=before, note=note, data=data, at=at)
    return document


def recall_copy(copy: Document, by: str, reason: str, at, data: dict | None = None) -> None:
    copy = Document.objects.select_for_update().get(pk=copy.pk)
    copy.recalled_at = at
    move(copy, "recalled", by, Status.RECALLED, note=reason, at=at, data=data,
         fields=["recalled_at"])


def attach_received(document: Document, uploads, actor=None) -> None:
    for i, (name, raw) in enumerate(uploads):
        row = files.store(document, DocumentFile.Kind.RECEIVED if i == 0
                          else DocumentFile.Kind.ATTACHMENT, name, raw, actor=actor)
        if i == 0:
            document.main_file = row
            document.save(update_fields=["main_file"])
