"""The only functions that change petitions (PAKN): filing, the agency's handling, the
petitioner's reply and rating.

Deadlines are counted on the work calendar (`core.calendar`, working days, office hours)
from when the clock starts at the agency handling the petition (`started_at`: filing, or the
moment it was forwarded there). They follow the national rules on receiving and handling
people's and organisations' feedback and proposals on administrative regulations
(Nghị định 20/2008/NĐ-CP, as amended by Nghị định 92/2017/NĐ-CP):

- refuse to handle it (with the reason) within REFUSE_WORKING_DAYS (2) working days; forward
  it to the competent agency in the same time (a late refusal or forwarding is allowed but
  counts as late);
- ask the petitioner for more information within INFO_WORKING_DAYS (5) working days (not
  afterwards); the clock is paused until the petitioner answers on the portal's tracking
  page, and every deadline then moves by the working time waited;
- resolve (answer) it within RESOLVE_WORKING_DAYS (15) working days;
- publish the answer within PUBLISH_WORKING_DAYS (2) working days after answering.

A petition is handled on time (service index 6.1) when it was answered by its resolution
deadline or refused by its refusal deadline (`closed_on_time`). Every change is one
transaction with its audit entry (`core.audit`), and is announced once committed
(`signals.petition_changed`).

Codes are random, not sequential, so that they cannot be guessed; reading one back also
needs the sender's phone or id number (see selectors.find_by_code_and_fact).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, PermissionDenied, ValidationFailed
from tinhso.core.identifiers import validate_personal_id
from tinhso.core.limits import bounded
from tinhso.core.models import Agency, User
from tinhso.dossiers.policy import is_applicant, is_staff_member

from .models import Petition
from .signals import petition_changed

REFUSE_WORKING_DAYS = 2
INFO_WORKING_DAYS = 5
RESOLVE_WORKING_DAYS = 15
PUBLISH_WORKING_DAYS = 2
CONTENT_MAX = 5000  # a petition's text; the portal's form declares it too
ANSWER_MAX = 5000  # an answer, a refusal's reason, a request for information, a reply
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone
S = Petition.Status
OPEN = (S.RECEIVED, S.WAITING)


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


def deadlines(start, cal=None) -> dict:
    """The deadlines of a petition whose clock starts at `start`."""
    cal = cal or get_calendar()
    return {"started_at": start,
            "refuse_due_at": cal.add_working_days(start, REFUSE_WORKING_DAYS),
            "info_due_at": cal.add_working_days(start, INFO_WORKING_DAYS),
            "due_at": cal.add_working_days(start, RESOLVE_WORKING_DAYS)}


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
    due = deadlines(at)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                petition = Petition.objects.create(
                    code=new_code(at), kind=data.kind, title=title[:255], content=content,
                    agency_id=data.agency_id, dossier_code=data.dossier_code.strip()[:40],
                    submitter_name=name[:255], submitter_id_number=id_number,
                    submitter_phone=data.phone.strip()[:20], submitter_email=data.email.strip(),
                    submitter_address=data.address.strip()[:255], user=user,
                    submitted_at=at, **due)
                _done("submit", user, petition, {"agency": data.agency_id})
                return petition
        except IntegrityError:  # a code drawn twice: draw again
            continue
    raise RuntimeError("could not draw a free petition code")


# --- Who may handle a petition.

def may_handle(actor, petition: Petition) -> bool:
    """Officials of the agency the petition is addressed to; province-wide officials for any
    (the province's general inbox holds the petitions addressed to no agency)."""
    if not getattr(actor, "is_authenticated", False) or not is_staff_member(actor):
        return False
    if actor.is_province_wide:
        return True
    return petition.agency_id is not None and actor.agency_id == petition.agency_id


may_answer = may_handle  # the earlier name


def _locked(actor, petition, *, statuses=(S.RECEIVED,)) -> Petition:
    found = Petition.objects.select_for_update().filter(pk=_pk(petition)).first()
    if found is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    if actor is not None and not may_handle(actor, found):
        raise PermissionDenied(_("Bạn không có quyền xử lý phản ánh, kiến nghị này."))
    if found.status not in statuses:
        if found.status == S.WAITING:
            raise ValidationFailed(_("Phản ánh, kiến nghị đang chờ người gửi bổ sung thông "
                                     "tin; chưa thể thực hiện thao tác này."), code="waiting")
        if found.status not in OPEN and S.ANSWERED not in statuses:
            raise ValidationFailed(_("Phản ánh, kiến nghị này đã được xử lý."), code="closed")
        raise ValidationFailed(_("Phản ánh, kiến nghị không ở trạng thái cho phép thao tác "
                                 "này."), code="not_allowed")
    return found


def _pk(petition) -> int:
    return petition if isinstance(petition, int) else petition.pk


def _text(text: str, what, *, code: str, required) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(required, code=code)
    return bounded(text, ANSWER_MAX, what)


def _done(action: str, actor, petition: Petition, data: dict | None = None) -> None:
    """The audit entry inside the change's transaction, the signal once it commits."""
    audit.record(f"petition.{action}", actor=actor if isinstance(actor, User) else None,
                 target=petition, data={"code": petition.code, "status": petition.status,
                                        **(data or {})})
    pk = petition.pk
    transaction.on_commit(lambda: petition_changed.send(
        Petition, petition_id=pk, action=action))


# --- The agency's actions.

def assign(actor, petition, *, assignee: User, at=None) -> Petition:
    """Give the petition to an official of its agency."""
    with transaction.atomic():
        p = _locked(actor, petition, statuses=OPEN)
        if (assignee is None or not assignee.is_active or p.agency_id is None
                or assignee.agency_id != p.agency_id):
            raise ValidationFailed(_("Chỉ giao được cho cán bộ của cơ quan đang xử lý phản "
                                     "ánh, kiến nghị."), code="invalid_assignee")
        p.assignee, p.assigned_at = assignee, at or timezone.now()
        p.save(update_fields=["assignee", "assigned_at"])
        _done("assign", actor, p, {"assignee": assignee.username})
    return p


def ask_for_info(actor, petition, *, text: str, at=None) -> Petition:
    """Ask the petitioner for more information: the clock stops until they answer."""
    text = _text(text, _("Nội dung yêu cầu bổ sung"), code="request_required",
                 required=_("Vui lòng nêu rõ thông tin cần bổ sung."))
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(actor, petition)
        if p.info_due_at and at > p.info_due_at:
            raise ValidationFailed(
                _("Đã quá thời hạn %(n)s ngày làm việc để yêu cầu bổ sung thông tin "
                  "(hạn: %(due)s).") % {"n": INFO_WORKING_DAYS,
                                        "due": f"{timezone.localtime(p.info_due_at):%d/%m/%Y}"},
                code="info_too_late")
        p.status, p.paused_since = S.WAITING, at
        p.info_request, p.info_requested_at = text, at
        p.info_reply, p.info_replied_at = "", None
        p.save(update_fields=["status", "paused_since", "info_request", "info_requested_at",
                              "info_reply", "info_replied_at"])
        _done("ask_for_info", actor, p)
    return p


def supply_info(petition, *, text: str, actor=None, at=None) -> Petition:
    """The petitioner's answer (from the portal, after the code-and-fact check): the clock
    runs again and every deadline moves by the working time waited."""
    text = _text(text, _("Thông tin bổ sung"), code="reply_required",
                 required=_("Vui lòng nhập thông tin bổ sung."))
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(None, petition, statuses=(S.WAITING,))
        cal = get_calendar()
        waited = cal.working_time_between(p.paused_since, at) if p.paused_since else None
        if waited and waited.total_seconds() > 0:
            for name in ("refuse_due_at", "info_due_at", "due_at"):
                value = getattr(p, name)
                if value is not None:
                    setattr(p, name, cal.add_working_time(value, waited))
        p.status, p.paused_since = S.RECEIVED, None
        p.info_reply, p.info_replied_at = text, at
        p.save(update_fields=["status", "paused_since", "info_reply", "info_replied_at",
                              "refuse_due_at", "info_due_at", "due_at"])
        _done("supply_info", actor, p, {"waited_seconds": waited.total_seconds()
                                        if waited else 0})
    return p


def refuse(actor, petition, *, reason: str, at=None) -> Petition:
    reason = _text(reason, _("Lý do"), code="reason_required", required=_("Cần nêu rõ lý do."))
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(actor, petition)
        p.status, p.answer = S.REFUSED, reason
        p.answered_at, p.answered_by = at, actor
        p.closed_on_time = p.refuse_due_at is None or at <= p.refuse_due_at
        p.save(update_fields=["status", "answer", "answered_at", "answered_by",
                              "closed_on_time"])
        _done("refuse", actor, p, {"on_time": p.closed_on_time})
    return p


def forward(actor, petition, *, agency: Agency, note: str = "", at=None) -> Petition:
    """Hand the petition to the competent agency: its clock starts again there."""
    note = bounded((note or "").strip(), ANSWER_MAX, _("Lý do chuyển"))
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(actor, petition)
        if agency is None or not agency.is_active:
            raise ValidationFailed(_("Vui lòng chọn cơ quan có thẩm quyền đang hoạt động."),
                                   code="agency_required")
        if agency.pk == p.agency_id:
            raise ValidationFailed(_("Phản ánh, kiến nghị đang ở cơ quan này."),
                                   code="same_agency")
        previous = p.agency_id
        late = p.refuse_due_at is not None and at > p.refuse_due_at
        p.forwarded_from_id, p.forwarded_at, p.forward_note = previous, at, note
        p.agency, p.assignee, p.assigned_at = agency, None, None
        for name, value in deadlines(at).items():
            setattr(p, name, value)
        p.save(update_fields=["forwarded_from", "forwarded_at", "forward_note", "agency",
                              "assignee", "assigned_at", "started_at", "refuse_due_at",
                              "info_due_at", "due_at"])
        _done("forward", actor, p, {"from": previous, "to": agency.pk, "late": late})
    return p


def answer(actor, petition, *, text: str, publish: bool = False, at=None) -> Petition:
    text = _text(text, _("Nội dung trả lời"), code="answer_required",
                 required=_("Vui lòng nhập nội dung trả lời."))
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(actor, petition)
        p.status, p.answer = S.ANSWERED, text
        p.answered_at, p.answered_by = at, actor
        p.closed_on_time = at <= p.due_at
        p.publish_due_at = get_calendar().add_working_days(at, PUBLISH_WORKING_DAYS)
        if publish:
            p.is_public, p.published_at = True, at
        p.save(update_fields=["status", "answer", "answered_at", "answered_by",
                              "closed_on_time", "publish_due_at", "is_public", "published_at"])
        _done("answer", actor, p, {"on_time": p.closed_on_time, "published": publish})
    return p


def publish(actor, petition, *, at=None) -> Petition:
    """Make the answer public on the portal."""
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(actor, petition, statuses=(S.ANSWERED,))
        if p.is_public:
            raise ValidationFailed(_("Câu trả lời đã được công khai."), code="published")
        p.is_public, p.published_at = True, at
        p.save(update_fields=["is_public", "published_at"])
        _done("publish", actor, p, {"on_time": p.publish_due_at is None
                                    or at <= p.publish_due_at})
    return p


# --- The petitioner's rating.

def rate(petition, *, rating: int, actor=None, at=None) -> Petition:
    """The petitioner rates the answer once: 1 (not satisfied) to 5 (very satisfied)."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ValidationFailed(_("Mức độ hài lòng phải từ 1 đến 5."), code="invalid_rating")
    at = at or timezone.now()
    with transaction.atomic():
        p = _locked(None, petition, statuses=(S.ANSWERED,))
        if p.rating is not None:
            raise ValidationFailed(_("Câu trả lời này đã được đánh giá."), code="rated")
        p.rating, p.rated_at = rating, at
        p.save(update_fields=["rating", "rated_at"])
        _done("rate", actor, p, {"rating": rating})
    return p


ACTIONS = ("assign", "ask_for_info", "refuse", "forward", "answer", "publish")


def offered(actor, petition: Petition, *, now=None) -> list[str]:
    """The actions the official may take on the petition now (the pages and the API show
    these; every service checks again)."""
    if not may_handle(actor, petition):
        return []
    now = now or timezone.now()
    if petition.status == S.RECEIVED:
        actions = ["assign", "ask_for_info", "refuse", "forward", "answer"]
        if petition.info_due_at and now > petition.info_due_at:
            actions.remove("ask_for_info")
        if petition.agency_id is None:
            actions.remove("assign")
        return actions
    if petition.status == S.WAITING:
        return ["assign"] if petition.agency_id else []
    if petition.status == S.ANSWERED and not petition.is_public:
        return ["publish"]
    return []
