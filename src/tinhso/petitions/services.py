"""The only functions that change petitions: submit, answer, refuse.

Deadlines: resolve within 15 working days; a refusal is due
within 2. Codes are random, not sequential, so that they cannot be guessed; reading one
back also needs the sender's phone or id number (see selectors.lookup).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.core.limits import bounded
from tinhso.dossiers.identifiers import validate_personal_id
from tinhso.dossiers.policy import is_applicant, is_staff_member

from .models import Petition

RESOLVE_WORKING_DAYS = 15
CONTENT_MAX = 5000  # a petition's text; the portal's form declares it too
ANSWER_MAX = 5000  # an answer or a refusal's reason
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


@dataclass
class PetitionInput:
    kind: str
    title: str
    content: str
    name: str
    phone: str = ""
    id_number: str = ""
    email: str = ""
    address: str = ""
    agency_id: int | None = None
    dossier_code: str = ""


def new_code(at) -> str:
    suffix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"PA-{timezone.localtime(at):%y%m%d}-{suffix}"


def submit(actor, data: PetitionInput, *, at=None) -> Petition:
    at = at or timezone.now()
    name, title, content = data.name.strip(), data.title.strip(), data.content.strip()
    if not name or not title or not content:
        raise ValidationFailed(_("Vui lòng nhập họ tên, tiêu đề và nội dung phản ánh."),
                               code="invalid_petition")
    bounded(content, CONTENT_MAX, _("Nội dung phản ánh, kiến nghị"))
    if data.kind not in Petition.Kind.values:
        raise ValidationFailed(_("Loại phản ánh, kiến nghị không hợp lệ."), code="invalid_kind")
    id_number = data.id_number.strip()
    if id_number:
        id_number = validate_personal_id(id_number)
    if not id_number and not data.phone.strip():
        raise ValidationFailed(
            _("Vui lòng nhập số điện thoại hoặc số định danh cá nhân để tra cứu kết quả."),
            code="missing_contact")
    user = actor if is_applicant(actor) else None
    due = get_calendar().add_working_days(at, RESOLVE_WORKING_DAYS)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Petition.objects.create(
                    code=new_code(at), kind=data.kind, title=title[:255], content=content,
                    agency_id=data.agency_id, dossier_code=data.dossier_code.strip()[:40],
                    submitter_name=name[:255], submitter_id_number=id_number,
                    submitter_phone=data.phone.strip()[:20], submitter_email=data.email.strip(),
                    submitter_address=data.address.strip()[:255], user=user,
                    submitted_at=at, due_at=due)
        except IntegrityError:  # a code drawn twice: draw again
            continue
    raise RuntimeError("could not draw a free petition code")


def may_answer(actor, petition: Petition) -> bool:
    if not getattr(actor, "is_authenticated", False) or not is_staff_member(actor):
        return False
    if actor.is_province_wide or petition.agency_id is None:
        return True
    return actor.agency_id == petition.agency_id


def _locked(actor, petition) -> Petition:
    found = Petition.objects.select_for_update().filter(pk=petition.pk).first()
    if found is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    if not may_answer(actor, found):
        raise PermissionDenied(_("Bạn không có quyền trả lời phản ánh, kiến nghị này."))
    if found.status != Petition.Status.RECEIVED:
        raise ValidationFailed(_("Phản ánh, kiến nghị này đã được xử lý."), code="closed")
    return found


def answer(actor, petition: Petition, *, text: str, publish: bool = False, at=None) -> Petition:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Vui lòng nhập nội dung trả lời."), code="answer_required")
    bounded(text, ANSWER_MAX, _("Nội dung trả lời"))
    with transaction.atomic():
        p = _locked(actor, petition)
        p.status, p.answer, p.is_public = Petition.Status.ANSWERED, text, publish
        p.answered_at, p.answered_by = at or timezone.now(), actor
        p.save(update_fields=["status", "answer", "is_public", "answered_at", "answered_by"])
    return p


def refuse(actor, petition: Petition, *, reason: str, at=None) -> Petition:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Cần nêu rõ lý do."), code="reason_required")
    bounded(reason, ANSWER_MAX, _("Lý do"))
    with transaction.atomic():
        p = _locked(actor, petition)
        p.status, p.answer = Petition.Status.REFUSED, reason
        p.answered_at, p.answered_by = at or timezone.now(), actor
        p.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    return p
