"""Who may do which action to a dossier: one table of roles, read by dossiers.guard.

Officials act on the dossiers of their own agency: the receiving agency for the desk's
actions, the agency currently processing for the others. Province-wide roles read every
dossier but process none. Applicants act on their own dossiers only. A dossier the actor
may not even see answers NotFound (404), so that other agencies' codes cannot be probed.
The guard adds what this table cannot know: the status, who holds the open step, and the
dossier's own state.
"""

from dataclasses import replace

from django.utils.translation import gettext_lazy as _

from tinhso.catalog.services import SYSTEM
from tinhso.core.errors import PermissionDenied
from tinhso.core.roles import Role

from .transitions import Action

R = Role
# action -> staff roles that may take it
STAFF_ROLES: dict[str, frozenset[str]] = {
    Action.SUBMIT: frozenset({R.ONE_STOP_OFFICER}),
    Action.RECEIVE: frozenset({R.ONE_STOP_OFFICER}),
    Action.REFUSE: frozenset({R.ONE_STOP_OFFICER}),
    Action.START: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.DIVISION_HEAD}),
    # The desk's officer too: a process may open with the desk's own checking step.
    Action.FORWARD: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.DIVISION_HEAD,
                               R.AGENCY_LEADER}),
    Action.TRANSFER: frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.AGENCY_LEADER}),
    Action.TRANSFER_BACK: frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.AGENCY_LEADER}),
    Action.REQUEST_SUPPLEMENT: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.DIVISION_HEAD}),
    Action.SUPPLEMENT: frozenset({R.ONE_STOP_OFFICER}),  # papers brought to the desk
    Action.REQUEST_PAYMENT: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST}),
    Action.RECORD_PAYMENT: frozenset({R.ONE_STOP_OFFICER}),
    Action.FINISH: frozenset({R.SPECIALIST, R.DIVISION_HEAD, R.AGENCY_LEADER}),
    Action.RETURN_RESULT: frozenset({R.ONE_STOP_OFFICER}),
    Action.WITHDRAW: frozenset({R.ONE_STOP_OFFICER}),  # the applicant asks at the desk
    Action.STOP: frozenset({R.DIVISION_HEAD, R.AGENCY_LEADER}),
    Action.RATE: frozenset(),
    Action.SIGN_RESULT: frozenset({R.AGENCY_LEADER}),  # the leader signs what the agency issues
    # Who holds a step: the guard narrows these to the step's assignee, the unit's head and
    # the holders of the step's role (dossiers.guard).
    Action.REASSIGN: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.DIVISION_HEAD,
                                R.AGENCY_LEADER}),
    Action.TAKE_OVER: frozenset({R.ONE_STOP_OFFICER, R.SPECIALIST, R.DIVISION_HEAD,
                                 R.AGENCY_LEADER}),
}
APPLICANT_ACTIONS = frozenset({Action.SUBMIT, Action.SUPPLEMENT, Action.WITHDRAW, Action.RATE})
# Actions of the receiving agency's desk; the others belong to the agency processing now.
DESK_ACTIONS = frozenset({Action.SUBMIT, Action.RECEIVE, Action.REFUSE, Action.SUPPLEMENT,
                          Action.RECORD_PAYMENT, Action.RETURN_RESULT, Action.WITHDRAW})


def is_system(actor) -> bool:
    """The operator's command-line actor (seeding, imports, gateway callbacks)."""
    return actor is SYSTEM


def is_staff_member(user) -> bool:
    return bool(user.agency_id) or bool(user.role_codes) or user.is_superuser


def is_applicant(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and not is_staff_member(user)


def may_intake(user) -> bool:
    """One-stop officers of an agency take walk-in dossiers (ensure_may_submit's rule)."""
    return bool(getattr(user, "agency_id", None)) and user.has_role(*STAFF_ROLES[Action.SUBMIT])


def can_see(actor, dossier) -> bool:
    if is_system(actor):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    if is_applicant(actor):
        return dossier.applicant_user_id == actor.pk
    if actor.is_province_wide:
        return True
    return actor.agency_id is not None and actor.agency_id in (
        dossier.agency_id, dossier.current_agency_id)


def acting_agency_id(dossier, action: str) -> int:
    return dossier.agency_id if action in DESK_ACTIONS else dossier.current_agency_id


def may(actor, dossier, action: str) -> bool:
    if is_system(actor):
        return True
    if is_applicant(actor):
        return action in APPLICANT_ACTIONS and dossier.applicant_user_id == actor.pk
    return (actor.agency_id is not None
            and actor.agency_id == acting_agency_id(dossier, action)
            and actor.has_role(*STAFF_ROLES[action]))


def filing_applicant(actor, applicant):
    """The applicant of a filing, bound to the actor when a citizen files for themself.

    A citizen files as the person the identity provider vouched for: the personal id and
    the name of their account; their contact details are theirs to give. There is no register
    of representation (a parent for a child, a person for an organisation) yet, so a citizen
    files for nobody else. Officials at the desk and the system enter any applicant: the desk
    checks the papers in person.
    """
    from .models import ApplicantKind

    if not is_applicant(actor):
        return applicant
    personal_id = (getattr(actor, "personal_id", "") or "").strip()
    if not personal_id:
        raise PermissionDenied(_("Tài khoản chưa được định danh điện tử (chưa có số định danh "
                                 "cá nhân) nên chưa nộp được hồ sơ."), code="identity_required")
    if (applicant.kind != ApplicantKind.CITIZEN
            or (applicant.id_number or "").strip() != personal_id):
        raise PermissionDenied(_("Công dân chỉ nộp hồ sơ trực tuyến cho chính mình, với số "
                                 "định danh của tài khoản đã đăng nhập."),
                               code="applicant_not_self")
    return replace(applicant, kind=ApplicantKind.CITIZEN, id_number=personal_id,
                   name=(actor.full_name or "").strip() or applicant.name)


def ensure_may_submit(actor, agency_id: int, channel: int) -> None:
    """Applicants file online; a one-stop officer enters desk and postal dossiers."""
    from .models import Channel

    if is_system(actor):
        return
    if is_applicant(actor):
        if channel != Channel.ONLINE:
            raise PermissionDenied(_("Công dân, tổ chức chỉ nộp hồ sơ trực tuyến trên Cổng."))
        return
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Cần đăng nhập để nộp hồ sơ."))
    if actor.agency_id != agency_id or not actor.has_role(*STAFF_ROLES[Action.SUBMIT]):
        raise PermissionDenied(
            _("Chỉ cán bộ một cửa của cơ quan tiếp nhận được nhập hồ sơ cho công dân."))
    if channel == Channel.ONLINE:
        raise PermissionDenied(_("Hồ sơ trực tuyến do chính công dân, tổ chức nộp."))
