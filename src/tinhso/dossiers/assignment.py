"""Who holds a dossier's open step: the rules for choosing an assignee.

Each step of an internal process (catalog.ProcessStep) names the staff role that works on it.
When a dossier reaches a step (start, forward) or another agency (transfer, transfer back),
the step gets one assignee: an active official of the agency handling it who holds the
step's role. The official passing the dossier on may choose one; otherwise the default is
the holder of the role with the least open work (then the oldest account), so that the
choice is deterministic and spreads the load. Nobody eligible: the step waits unassigned in
the unit's queue, where the unit's head gives it out or a holder of the role takes it.
A dossier transferred to another agency (liên thông) brings its step along, but not its
process: there any official who processes dossiers may hold it (`holder_roles`), and the
default is still a holder of the step's own role, else the unit's queue.

Finishing or closing a dossier clears its assignee: only open steps are held. Who may act on
a held step, hand it over or take it over is dossiers.guard's to say; lifecycle writes the
change with its event and audit entry.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import ProcessStep
from tinhso.core.errors import ValidationFailed
from tinhso.core.models import User, UserRole
from tinhso.core.roles import Role

from .models import Dossier, Status
from .transitions import OPEN, Step

# Statuses in which a started dossier keeps its step open (paused or waiting for money).
STEP_OPEN = frozenset({Status.PROCESSING, Status.SUPPLEMENT_REQUESTED,
                       Status.PAYMENT_REQUESTED})
# Roles that can hold a step (a process names one of them for each step).
STEP_ROLES = (Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER)


def steps_of(d: Dossier) -> list[Step]:
    """Steps of the process the receiving agency runs (its own, else the generic one)."""
    rows = ProcessStep.objects.filter(
        Q(template__agency_id=d.agency_id) | Q(template__agency__isnull=True),
        template__version_id=d.procedure_version_id,
    ).values_list("id", "order", "share", "handled_by_id", "role", "template__agency_id")
    own = [r for r in rows if r[5] is not None]
    return [Step(*r[:5]) for r in sorted(own or rows, key=lambda r: r[1])]


def next_step(d: Dossier, steps: list[Step]) -> Step | None:
    """The step that start or forward would open; None when there is none."""
    if not steps:
        return None
    if d.current_step_id is None:
        return steps[0]
    ids = [s.id for s in steps]
    index = ids.index(d.current_step_id) + 1 if d.current_step_id in ids else 0
    return steps[index] if index < len(steps) else None


def step_role(d: Dossier) -> str:
    """The role of the dossier's current step ("" without one); read if not loaded."""
    return _current_step(d)[0]


def _current_step(d: Dossier) -> tuple[str, int | None]:
    """(role, handled_by_id) of the current step."""
    if d.current_step_id is None:
        return "", None
    if Dossier.current_step.is_cached(d) and d.current_step is not None:
        return d.current_step.role, d.current_step.handled_by_id
    return ProcessStep.objects.filter(pk=d.current_step_id).values_list(
        "role", "handled_by_id").first() or ("", None)


def holder_roles(d: Dossier) -> tuple[str, ...]:
    """The roles that may hold the current step where the dossier is now: the step's own at
    the agency the process gives the step to; at an agency it was transferred to (liên
    thông), whose process this is not, any role that processes dossiers there."""
    role, handled_by = _current_step(d)
    if not role:
        return ()
    home = handled_by or d.agency_id
    return (role,) if d.current_agency_id == home else STEP_ROLES


def eligible(agency_id: int, roles) -> QuerySet[User]:
    """Officials who may hold a step of one of `roles` (or of the one role) at the agency."""
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    holds = UserRole.objects.filter(user=OuterRef("pk"), role__in=roles)
    return User.objects.filter(Exists(holds), agency_id=agency_id, is_active=True)


def with_load(qs: QuerySet[User]) -> QuerySet[User]:
    """Each official with `open_load`: the open dossiers assigned to them."""
    return qs.annotate(open_load=Count("assigned_dossiers",
                                       filter=Q(assigned_dossiers__status__in=OPEN)))


def default_assignee(agency_id: int, role: str) -> tuple[int, str] | None:
    """(id, name) of the eligible official with the least open work, then the oldest
    account; None when nobody holds the role there."""
    if not role:
        return None
    row = (with_load(eligible(agency_id, role)).order_by("open_load", "pk")
           .values_list("pk", "full_name", "username").first())
    return None if row is None else (row[0], row[1] or row[2])


def chosen(official, agency_id: int, roles) -> User:
    """An official named by a person (a User, an id or a username), checked eligible for a
    step of `roles` (one role or several) at the agency."""
    roles = (roles,) if isinstance(roles, str) else tuple(roles)
    qs = eligible(agency_id, roles) if any(roles) else User.objects.none()
    if isinstance(official, User):
        found = qs.filter(pk=official.pk).first()
    elif isinstance(official, int) and 0 < official < 2**63:
        found = qs.filter(pk=official).first()
    else:  # a username, as the API takes it (digits too: a username may be all digits)
        found = qs.filter(username=str(official or "").strip()).first()
    if found is None:
        raise ValidationFailed(
            _("Người được giao phải là cán bộ đang làm việc tại cơ quan xử lý và có vai trò "
              "của bước này (%(roles)s).") % {"roles": ", ".join(map(_role_label, roles))},
            code="invalid_assignee")
    return found


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role
