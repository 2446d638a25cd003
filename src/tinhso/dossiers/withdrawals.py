"""An applicant's request to withdraw their dossier, and the official's decision on it.

The applicant asks online, with a reason, while the dossier is open; asking again while a
request waits returns that request (one open request per dossier, also a database
constraint). An official who may withdraw the dossier at the desk (policy: the receiving
agency's one-stop officer) accepts it, and the dossier goes to status 7 through
lifecycle.withdraw with the applicant's reason, or declines it with a reason. Each step is
one transaction with its audit entry; the applicant is told of the decision (notifications).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.core.limits import bounded
from tinhso.core.models import User

from . import lifecycle, notifications, policy, texts
from .models import Dossier, WithdrawalRequest
from .transitions import OPEN, TRANSITIONS, Action

State = WithdrawalRequest.State
# The statuses a dossier may be withdrawn from (the state machine's own list).
WITHDRAWABLE = TRANSITIONS[Action.WITHDRAW][0]


def open_request(dossier: Dossier) -> WithdrawalRequest | None:
    """The request still waiting for a decision, if the dossier is still open."""
    if dossier.status not in OPEN:
        return None
    return dossier.withdrawal_requests.filter(state=State.OPEN).first()


def last_request(dossier: Dossier) -> WithdrawalRequest | None:
    """The newest request, decided or not (what the applicant is shown)."""
    return dossier.withdrawal_requests.order_by("-requested_at", "-pk").first()


def waiting(request: WithdrawalRequest | None, dossier: Dossier) -> bool:
    """`request` (the newest) still waits for a decision on the open dossier."""
    return request is not None and request.state == State.OPEN and dossier.status in OPEN


def may_ask(actor, dossier: Dossier) -> bool:
    """The applicant's own open dossier (the button on "my dossier")."""
    return (policy.is_applicant(actor) and dossier.applicant_user_id == actor.pk
            and dossier.status in WITHDRAWABLE)


def may_decide(actor, dossier: Dossier) -> bool:
    """An official who may withdraw this dossier now (the back office's buttons)."""
    return (not policy.is_applicant(actor) and dossier.status in WITHDRAWABLE
            and policy.may(actor, dossier, Action.WITHDRAW))


def ask(actor, dossier, *, reason: str, at=None) -> WithdrawalRequest:
    """The applicant asks to withdraw their open dossier; a second ask returns the first."""
    reason = _reason(reason, _("Lý do rút hồ sơ"))
    at = at or timezone.now()
    with transaction.atomic():
        d = _locked(dossier)
        if not policy.can_see(actor, d):
            raise NotFound(_("Không tìm thấy hồ sơ."))
        if not (policy.is_applicant(actor) and d.applicant_user_id == actor.pk):
            raise PermissionDenied(_("Chỉ người nộp hồ sơ được đề nghị rút hồ sơ."),
                                   code="not_applicant")
        if d.status not in WITHDRAWABLE:
            raise ValidationFailed(
                _("Hồ sơ đang ở trạng thái “%(status)s” nên không thể đề nghị rút.")
                % {"status": d.get_status_display()}, code="not_withdrawable")
        existing = d.withdrawal_requests.filter(state=State.OPEN).first()
        if existing is not None:  # idempotent: the one open request stays
            return existing
        try:
            with transaction.atomic():
                request = WithdrawalRequest.objects.create(
                    dossier=d, reason=reason, requested_at=at,
                    requested_by=actor if isinstance(actor, User) else None)
        except IntegrityError:  # cannot happen under the row lock; kept for the constraint
            return d.withdrawal_requests.get(state=State.OPEN)
        audit.record("dossier.withdrawal_requested", actor=_user(actor),
                     target=("dossiers.dossier", d.pk),
                     data={"code": d.code, "request": request.pk})
    return request


def accept(actor, request, *, at=None) -> WithdrawalRequest:
    """The official agrees: the dossier is withdrawn (status 7) with the applicant's reason."""
    at = at or timezone.now()
    with transaction.atomic():
        r = _locked_request(actor, request)
        note = _("Theo đề nghị của người nộp: %(reason)s") % {"reason": r.reason}
        lifecycle.withdraw(actor, r.dossier_id, at=at, reason=note[:texts.REASON_MAX])
        _decide(actor, r, State.ACCEPTED, at)
        audit.record("dossier.withdrawal_accepted", actor=_user(actor),
                     target=("dossiers.dossier", r.dossier_id),
                     data={"code": r.dossier.code, "request": r.pk})
    return r


def decline(actor, request, *, reason: str, at=None) -> WithdrawalRequest:
    """The official refuses the withdrawal, with a reason the applicant reads; the dossier
    goes on."""
    reason = _reason(reason, _("Lý do không đồng ý"))
    at = at or timezone.now()
    with transaction.atomic():
        r = _locked_request(actor, request)
        r.decline_reason = reason
        _decide(actor, r, State.DECLINED, at)
        audit.record("dossier.withdrawal_declined", actor=_user(actor),
                     target=("dossiers.dossier", r.dossier_id),
                     data={"code": r.dossier.code, "request": r.pk})
        notifications.announce(r.dossier_id, notifications.WITHDRAWAL_DECLINED)
    return r


# --- helpers


def _reason(text: str, label) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("Cần nêu rõ lý do."), code="reason_required")
    return bounded(text, texts.REASON_MAX, label)


def _locked(dossier) -> Dossier:
    found = (Dossier.objects.select_for_update(of=("self",))
             .filter(pk=getattr(dossier, "pk", dossier)).first())
    if found is None:
        raise NotFound(_("Không tìm thấy hồ sơ."))
    return found


def _locked_request(actor, request) -> WithdrawalRequest:
    """The request with its dossier locked (the dossier first, as every action locks it),
    checked: visible to the actor, theirs to decide, still waiting, the dossier still open."""
    pk = getattr(request, "pk", request)
    dossier_id = (WithdrawalRequest.objects.filter(pk=pk)
                  .values_list("dossier_id", flat=True).first())
    if dossier_id is None:
        raise NotFound(_("Không tìm thấy đề nghị rút hồ sơ."))
    d = _locked(dossier_id)
    r = WithdrawalRequest.objects.select_for_update().get(pk=pk)
    r.dossier = d
    if not policy.can_see(actor, d):
        raise NotFound(_("Không tìm thấy hồ sơ."))
    if policy.is_applicant(actor) or not policy.may(actor, d, Action.WITHDRAW):
        raise PermissionDenied(_("Bạn không có quyền quyết định việc rút hồ sơ này."))
    if r.state != State.OPEN:
        raise Conflict(_("Đề nghị rút hồ sơ này đã được xử lý: %(state)s.")
                       % {"state": r.get_state_display()}, code="already_decided")
    if d.status not in WITHDRAWABLE:
        raise Conflict(_("Hồ sơ đã kết thúc (“%(status)s”), không còn rút được.")
                       % {"status": d.get_status_display()}, code="not_withdrawable")
    return r


def _decide(actor, r: WithdrawalRequest, state: str, at) -> None:
    r.state, r.decided_at = state, at
    r.decided_by = _user(actor)
    r.decided_by_name = (getattr(actor, "full_name", "") or getattr(actor, "username", "")
                         or "")[:150]
    r.save(update_fields=["state", "decided_at", "decided_by", "decided_by_name",
                          "decline_reason"])


def _user(actor) -> User | None:
    return actor if isinstance(actor, User) else None
