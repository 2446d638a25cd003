"""May this actor take this action on this dossier now? One answer for every door.

The lifecycle services refuse with `ensure`; selectors.actions_for offers what `may` allows,
and the API's allowed_actions, the back office's buttons and the portal's are that list. So
nothing is offered that the service would refuse, and nothing refused is offered.

Checked in this order; the first refusal answers:
1. the actor sees the dossier (else 404, so other agencies' codes cannot be probed);
2. the role table (policy): the actor's agency and roles may take the action at all;
3. the state machine: the action leads out of the dossier's status;
4. the open step's work (STEP_ACTIONS) is its assignee's: another official, a holder of the
   step's role included, first takes it over (an explicit, recorded act);
5. the dossier's own state: a process to start or forward along, a step after the current
   one, another agency to transfer back from, no rating yet, a result awaiting a signature.
Who holds the step (reassign, take over) has its own rules, in `_assignment`.

Stopping is the leaders' decision whoever holds the step; the desk's actions (receive,
supplement at the desk, payments, return) are the desk's shared queue, not a step's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError, NotFound, PermissionDenied
from tinhso.core.roles import UNIT_HEAD_ROLES, Role

from . import assignment, policy, result_signing
from .models import Dossier, Status
from .transitions import TRANSITIONS, Action, Step, TransitionNotAllowed

# The work of an open step: its assignee's alone.
STEP_ACTIONS = frozenset({Action.FORWARD, Action.TRANSFER, Action.TRANSFER_BACK,
                          Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT, Action.FINISH})
ASSIGNMENT_ACTIONS = (Action.REASSIGN, Action.TAKE_OVER)

Steps = list[Step] | Callable[[], list[Step]] | None


@dataclass(frozen=True)
class Decision:
    """Yes, or no with the error the service raises (its class, code and message)."""

    allowed: bool
    error: type[DomainError] | None = None
    message: str = ""
    code: str | None = None

    def __bool__(self) -> bool:
        return self.allowed

    def raise_if_refused(self) -> None:
        if not self.allowed:
            raise self.error(self.message or None, code=self.code)


ALLOWED = Decision(True)


def _no(error, message="", code=None) -> Decision:
    return Decision(False, error, message, code)


def may(actor, dossier: Dossier, action: str, *, steps: Steps = None) -> Decision:
    """The answer for one action. `steps`: the dossier's process steps, or a function that
    reads them (only start and forward need them); read here when not given."""
    if not policy.can_see(actor, dossier):
        return _no(NotFound, _("Không tìm thấy hồ sơ."))
    if action in ASSIGNMENT_ACTIONS:
        return _assignment(actor, dossier, action)
    system = policy.is_system(actor)
    if not system and not policy.may(actor, dossier, action):
        return _no(PermissionDenied, _("Bạn không có quyền “%(action)s” đối với hồ sơ này.")
                   % {"action": Action(action).label})
    sources, _target = TRANSITIONS[action]
    if dossier.status not in sources:
        return _no(TransitionNotAllowed,
                   _("Không thể “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
                   % {"action": Action(action).label, "status": Status(dossier.status).label})
    if not system and action in STEP_ACTIONS and dossier.current_step_id is not None:
        refused = _not_the_assignee(actor, dossier)
        if refused is not None:  # a refusal is falsy: compare with None
            return refused
    return _state(dossier, action, steps)


def ensure(actor, dossier: Dossier, action: str, *, steps: Steps = None) -> None:
    """Raise the refusal, if any: NotFound (404), PermissionDenied (403), the state
    machine's TransitionNotAllowed (409) or a DomainError of the dossier's state."""
    may(actor, dossier, action, steps=steps).raise_if_refused()


def allowed_actions(actor, dossier: Dossier) -> list[str]:
    """Every action `may` allows now, in the state machine's order, then the assignment's."""
    read: list[list[Step]] = []

    def steps() -> list[Step]:  # read once, and only if an action needs them
        if not read:
            read.append(assignment.steps_of(dossier))
        return read[0]

    candidates = [a for a, (sources, _to) in TRANSITIONS.items() if dossier.status in sources]
    candidates += ASSIGNMENT_ACTIONS
    return [a for a in candidates if may(actor, dossier, a, steps=steps)]


def _not_the_assignee(actor, d: Dossier) -> Decision | None:
    if d.assignee_id is None:
        return _no(PermissionDenied, _("Bước xử lý này chưa được giao cho ai: hãy nhận xử lý "
                                       "trước khi thao tác."), "not_assignee")
    if d.assignee_id != actor.pk:
        return _no(PermissionDenied, _("Bước xử lý này đang được giao cho cán bộ khác. Chỉ "
                                       "người được giao, hoặc người nhận xử lý thay, mới "
                                       "thao tác được."), "not_assignee")
    if not actor.has_role(*assignment.holder_roles(d)):  # the role was withdrawn meanwhile
        return _no(PermissionDenied, _("Bạn không còn giữ vai trò của bước xử lý này."),
                   "not_assignee")
    return None


def _state(d: Dossier, action: str, steps: Steps) -> Decision:
    if action in (Action.START, Action.FORWARD):
        listed = steps() if callable(steps) else steps
        listed = assignment.steps_of(d) if listed is None else listed
        if not listed:
            return _no(DomainError, _("Thủ tục chưa có quy trình xử lý."), "no_process")
        if action == Action.FORWARD and assignment.next_step(d, listed) is None:
            return _no(TransitionNotAllowed,
                       _("Hồ sơ đã ở bước cuối, hãy hoàn thành xử lý."))
    elif action == Action.TRANSFER_BACK and d.current_agency_id == d.agency_id:
        return _no(DomainError, _("Hồ sơ đang ở cơ quan tiếp nhận, không có gì để trả về."),
                   "invalid_transfer")
    elif action == Action.RATE and d.rating is not None:
        return _no(TransitionNotAllowed, _("Hồ sơ đã được đánh giá."))
    elif action == Action.SIGN_RESULT and not result_signing.awaiting(d):
        return _no(DomainError, _("Hồ sơ không có kết quả điện tử (tệp PDF) nào chờ ký số."),
                   "nothing_to_sign")
    return ALLOWED


def _assignment(actor, d: Dossier, action: str) -> Decision:
    """Reassign: the step's assignee hands it over, or the unit's head gives it out.
    Take over: a holder of the step's role at the agency handling it, not its assignee."""
    system = policy.is_system(actor)
    if not system and not policy.may(actor, d, action):
        return _no(PermissionDenied, _("Bạn không có quyền “%(action)s” đối với hồ sơ này.")
                   % {"action": Action(action).label})
    if d.status not in assignment.STEP_OPEN or d.current_step_id is None:
        return _no(TransitionNotAllowed, _("Hồ sơ không có bước xử lý đang mở để giao."),
                   "no_open_step")
    if system:
        return ALLOWED
    if action == Action.REASSIGN:
        if d.assignee_id != actor.pk and not actor.has_role(*UNIT_HEAD_ROLES):
            return _no(PermissionDenied, _("Chỉ người đang được giao hoặc lãnh đạo cơ quan "
                                           "mới giao hồ sơ cho người khác."), "not_assignee")
        return ALLOWED
    if d.assignee_id == actor.pk:
        return _no(TransitionNotAllowed, _("Bạn đang là người được giao xử lý bước này."),
                   "already_assignee")
    roles = assignment.holder_roles(d)
    if not actor.has_role(*roles):
        return _no(PermissionDenied, _("Chỉ người có vai trò của bước này (%(roles)s) mới nhận "
                                       "xử lý được.")
                   % {"roles": ", ".join(str(Role(r).label) if r in Role.values else r
                                         for r in roles)}, "wrong_role")
    return ALLOWED
