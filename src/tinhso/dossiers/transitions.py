"""The dossier state machine: one table of allowed transitions and the pure effect of each action.

Nothing here touches the database. `lifecycle` (one dossier at a time, with locking, permission
checks and events) and the bulk seeder (millions at a time) both move dossiers only through
`apply`, so every dossier obeys the same rules whichever path made it.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import WorkCalendar
from tinhso.core.errors import DomainError
from tinhso.core.timeunits import TimeUnit

from .models import Dossier, Status

S = Status


class Action(models.TextChoices):
    SUBMIT = "submit", _("Nộp hồ sơ")
    RECEIVE = "receive", _("Tiếp nhận")
    REFUSE = "refuse", _("Từ chối tiếp nhận")
    START = "start", _("Chuyển xử lý")
    FORWARD = "forward", _("Chuyển bước tiếp theo")
    TRANSFER = "transfer", _("Chuyển liên thông")
    TRANSFER_BACK = "transfer_back", _("Trả về cơ quan tiếp nhận")
    REQUEST_SUPPLEMENT = "request_supplement", _("Yêu cầu bổ sung")
    SUPPLEMENT = "supplement", _("Bổ sung hồ sơ")
    REQUEST_PAYMENT = "request_payment", _("Yêu cầu thực hiện nghĩa vụ tài chính")
    RECORD_PAYMENT = "record_payment", _("Ghi nhận thanh toán")
    FINISH = "finish", _("Hoàn thành xử lý")
    RETURN_RESULT = "return_result", _("Trả kết quả")
    WITHDRAW = "withdraw", _("Rút hồ sơ")
    STOP = "stop", _("Dừng xử lý")
    RATE = "rate", _("Đánh giá")
    # The leader signs the electronic results, the agency's seal follows (result_signing).
    SIGN_RESULT = "sign_result", _("Ký số kết quả")
    # Who holds the open step; the status stays (dossiers.assignment, not in TRANSITIONS).
    REASSIGN = "reassign", _("Giao xử lý")
    TAKE_OVER = "take_over", _("Nhận xử lý")


OPEN = frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED,
                  S.PAYMENT_REQUESTED})
CLOSED = frozenset({S.REFUSED, S.WITHDRAWN, S.STOPPED, S.FINISHED, S.RETURNED})

# action -> (statuses it may start from, status it leads to; None keeps the status)
TRANSITIONS: dict[str, tuple[frozenset[int], int | None]] = {
    Action.RECEIVE: (frozenset({S.SUBMITTED}), S.RECEIVED),
    Action.REFUSE: (frozenset({S.SUBMITTED}), S.REFUSED),
    Action.START: (frozenset({S.RECEIVED}), S.PROCESSING),
    Action.FORWARD: (frozenset({S.PROCESSING}), S.PROCESSING),
    Action.TRANSFER: (frozenset({S.PROCESSING}), S.PROCESSING),
    Action.TRANSFER_BACK: (frozenset({S.PROCESSING}), S.PROCESSING),
    Action.REQUEST_SUPPLEMENT: (frozenset({S.RECEIVED, S.PROCESSING}), S.SUPPLEMENT_REQUESTED),
    Action.SUPPLEMENT: (frozenset({S.SUPPLEMENT_REQUESTED}), S.PROCESSING),
    Action.REQUEST_PAYMENT: (frozenset({S.RECEIVED, S.PROCESSING}), S.PAYMENT_REQUESTED),
    Action.RECORD_PAYMENT: (
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.PAYMENT_REQUESTED}), None
    ),
    Action.FINISH: (frozenset({S.PROCESSING}), S.FINISHED),
    Action.RETURN_RESULT: (frozenset({S.FINISHED}), S.RETURNED),
    Action.WITHDRAW: (
        frozenset({S.SUBMITTED, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED,
                   S.PAYMENT_REQUESTED}),
        S.WITHDRAWN,
    ),
    Action.STOP: (
        frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.PAYMENT_REQUESTED}),
        S.STOPPED,
    ),
    Action.RATE: (frozenset({S.RETURNED}), None),
    # Signing changes no status: a result may be signed before or after it is handed back.
    Action.SIGN_RESULT: (frozenset({S.FINISHED, S.RETURNED}), None),
}


class TransitionNotAllowed(DomainError):
    status = 409
    code = "transition_not_allowed"


def allowed_actions(status: int) -> list[str]:
    return [action for action, (sources, _to) in TRANSITIONS.items() if status in sources]


@dataclass
class Step:
    """What `apply` needs of a process step (catalog.ProcessStep or a cached copy)."""

    id: int
    order: int
    share: Decimal
    handled_by_id: int | None = None
    role: str = ""  # the staff role that works on the step (who may be its assignee)


@dataclass
class Change:
    """The event an applied action produces; the caller persists it."""

    action: str
    at: datetime
    from_status: int | None
    to_status: int
    agency_id: int
    step_id: int | None = None
    data: dict = field(default_factory=dict)


def check(dossier: Dossier, action: str) -> int:
    sources, target = TRANSITIONS[action]
    if dossier.status not in sources:
        raise TransitionNotAllowed(
            _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": Action(action).label, "status": Status(dossier.status).label}
        )
    return dossier.status if target is None else target


def statutory_time(dossier) -> tuple[Decimal | None, str]:
    """The time fixed at submission for the dossier's case and channel (None: not stated)."""
    return dossier.processing_time, dossier.time_unit


def _step_due(cal: WorkCalendar, start: datetime, total: timedelta, step: Step) -> datetime:
    return cal.add_working_time(start, total * float(step.share) / 100)


def apply(dossier: Dossier, action: str, at: datetime, cal: WorkCalendar, *,
          steps: list[Step] | None = None, time: tuple[Decimal, str] | None = None,
          to_agency_id: int | None = None, amount: int = 0, online: bool = False,
          rating: int | None = None) -> Change:
    """Move `dossier` (in memory) by `action` at instant `at`; return the event to record.

    `steps` are the ordered steps of the dossier's process; `time` the statutory time
    (amount, TimeUnit), needed on receipt.
    """
    before = dossier.status
    after = check(dossier, action)
    change = Change(action, at, before, after, dossier.current_agency_id)

    if action == Action.RECEIVE:
        amount_, unit = time
        dossier.received_at = at
        # No statutory time published: no due date, and nothing to be late against.
        dossier.due_at = None if amount_ is None else cal.due_at(at, amount_, TimeUnit(unit))
    elif action in (Action.START, Action.FORWARD):
        step = _next_step(dossier, steps)
        dossier.current_step_id = step.id
        if dossier.due_at is not None:
            # The statutory time alone: due_at has moved by the supplement pauses since then.
            total = (cal.working_time_between(dossier.received_at, dossier.due_at)
                     - timedelta(seconds=dossier.paused_seconds))
            dossier.step_due_at = _step_due(cal, at, total, step)
        dossier.current_agency_id = step.handled_by_id or dossier.agency_id
        change.step_id = step.id
    elif action == Action.TRANSFER:
        if not to_agency_id or to_agency_id == dossier.current_agency_id:
            raise DomainError(_("Cần chọn cơ quan liên thông khác cơ quan đang xử lý."),
                              code="invalid_transfer")
        dossier.current_agency_id = to_agency_id
        change.data["to_agency_id"] = to_agency_id
    elif action == Action.TRANSFER_BACK:
        if dossier.current_agency_id == dossier.agency_id:
            raise DomainError(_("Hồ sơ đang ở cơ quan tiếp nhận, không có gì để trả về."),
                              code="invalid_transfer")
        change.data["from_agency_id"] = dossier.current_agency_id
        dossier.current_agency_id = dossier.agency_id
    elif action == Action.REQUEST_SUPPLEMENT:
        dossier.paused_since = at
        dossier.supplement_count += 1
    elif action == Action.SUPPLEMENT:
        paused = cal.working_time_between(dossier.paused_since, at)
        dossier.paused_seconds += int(paused.total_seconds())
        if dossier.due_at:
            dossier.due_at = cal.add_working_time(dossier.due_at, paused)
        if dossier.step_due_at:
            dossier.step_due_at = cal.add_working_time(dossier.step_due_at, paused)
        dossier.paused_since = None
        change.data["paused_seconds"] = int(paused.total_seconds())
    elif action == Action.REQUEST_PAYMENT:
        _check_amount(amount)
        dossier.fees_owed += amount
        change.data["amount"] = amount
    elif action == Action.RECORD_PAYMENT:
        _check_amount(amount)
        dossier.fees_paid += amount
        dossier.fees_owed = max(dossier.fees_owed, dossier.fees_paid)
        dossier.paid_online = dossier.paid_online or online
        if before == S.PAYMENT_REQUESTED:
            if dossier.fees_paid < dossier.fees_owed:
                raise DomainError(_("Số tiền chưa đủ nghĩa vụ tài chính."), code="underpaid")
            change.to_status = after = S.PROCESSING
        change.data.update(amount=amount, online=online)
    elif action == Action.FINISH:
        dossier.finished_at = at
        dossier.current_agency_id = dossier.agency_id
        dossier.current_step_id = None
        dossier.step_due_at = None
    elif action == Action.RETURN_RESULT:
        dossier.returned_at = at
    elif action in (Action.REFUSE, Action.WITHDRAW, Action.STOP):
        if dossier.paused_since:  # the clock stops for good; keep the paused time
            paused = cal.working_time_between(dossier.paused_since, at)
            dossier.paused_seconds += int(paused.total_seconds())
            dossier.paused_since = None
        dossier.closed_at = at
    elif action == Action.RATE:
        if rating not in (1, 2, 3, 4, 5):
            raise DomainError(_("Mức đánh giá phải từ 1 đến 5."), code="invalid_rating")
        if dossier.rating is not None:
            raise TransitionNotAllowed(_("Hồ sơ đã được đánh giá."))
        dossier.rating = rating
        dossier.rated_at = at
        change.data["rating"] = rating

    dossier.status = after
    return change


def _next_step(dossier: Dossier, steps: list[Step] | None) -> Step:
    if not steps:
        raise DomainError(_("Thủ tục chưa có quy trình xử lý."), code="no_process")
    if dossier.current_step_id is None:
        return steps[0]
    orders = [s.id for s in steps]
    try:
        index = orders.index(dossier.current_step_id) + 1
    except ValueError:
        index = 0
    if index >= len(steps):
        raise TransitionNotAllowed(_("Hồ sơ đã ở bước cuối, hãy hoàn thành xử lý."))
    return steps[index]


# A fee or a payment above a thousand billion đồng is a typing error, and sums of amounts
# must stay within the database's 64-bit integers.
AMOUNT_MAX = 10**12


def _check_amount(amount: int) -> None:
    if not 0 < amount <= AMOUNT_MAX:
        raise DomainError(_("Số tiền phải lớn hơn 0 và không quá 1.000 tỷ đồng."),
                          code="invalid_amount")
