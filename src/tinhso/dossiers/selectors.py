"""Read queries on dossiers, already scoped to what the actor may see.

Mirrors policy.can_see as a query. Applicants (accounts without an agency or role) see the
dossiers they filed; officials see those their agency received or is handling now;
province-wide roles see all. Anything else answers 404, so that other agencies' codes
cannot be probed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.models import User, UserRole
from tinhso.core.roles import UNIT_HEAD_ROLES, Role
from tinhso.core.text import fold
from tinhso.core.timeunits import TimeUnit

from . import assignment, guard, inputs, search
from . import details as details_of
from .codes import DIGIT_RUN_MAX
from .identifiers import matches_fact
from .models import Dossier, Status
from .policy import is_applicant
from .transitions import OPEN, Action, statutory_time

# Open statuses whose deadline clock runs (it is paused while a supplement is awaited).
CLOCK_RUNNING = frozenset(OPEN - {Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED})
LIST_RELATED = ("procedure", "agency", "current_agency")
BUCKETS = ("to_receive", "processing", "due_today", "due_soon", "overdue", "unassigned")
DUE_SOON_WORKING_DAYS = 2


def dossiers_for(actor) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if actor is None or not actor.is_authenticated:
        return qs.none()
    if is_applicant(actor):
        return qs.filter(applicant_user=actor)
    if actor.is_province_wide:
        return qs
    if actor.agency_id:
        return qs.filter(Q(agency_id=actor.agency_id) | Q(current_agency_id=actor.agency_id))
    return qs.none()  # staff without an agency (a misconfigured account) see nothing


def listing(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """What a list shows, in one query: newest submissions first."""
    return qs.select_related(*LIST_RELATED).order_by("-submitted_at", "-pk")


def get_dossier_for(actor, code: str, *, details: bool = False,
                    version: bool = True) -> Dossier:
    """A dossier in the actor's scope, else 404. `details`: with what the detail view shows
    (`version=False` leaves out the procedure version, long legal texts the API's detail
    body does not show)."""
    qs = dossiers_for(actor).select_related(*_related(details, version))
    try:
        dossier = qs.get(code=code)
    except Dossier.DoesNotExist:
        raise NotFound(_("Không tìm thấy hồ sơ.")) from None
    return details_of.load(dossier) if details else dossier


def dossier_details(pk: int, *, version: bool = True) -> Dossier:
    """Re-read a dossier the actor has just acted on (it may have left their scope)."""
    return details_of.load(Dossier.objects.select_related(*_related(True, version)).get(pk=pk))


def filed_fees(dossier: Dossier):
    """The published fee rows of the case and channel the dossier was filed under, as they
    stood on the day it was filed (catalog.terms.FeeQuote): what a payment request starts
    from, since rows per unit, by percentage or by resolution leave the amount to the
    official."""
    return inputs.filing_terms(dossier.procedure_version, dossier.case_id, dossier.channel,
                               dossier.submitted_at).fees


def outstanding_fees(dossier: Dossier) -> int | None:
    """What the dossier still owes (None: nothing), where a payment request's amount starts."""
    return dossier.fees_owed - dossier.fees_paid if dossier.fees_owed > dossier.fees_paid else None


def _related(details: bool, version: bool) -> tuple[str, ...]:
    if not details:
        return LIST_RELATED
    return (*LIST_RELATED, "case", "current_step", "assignee",
            *(("procedure_version",) if version else ()))


def actions_for(actor, dossier: Dossier) -> list[str]:
    """The actions this actor may take on the dossier now: what dossiers.guard allows, the
    same answer the lifecycle services give (the API's allowed_actions, the buttons)."""
    return guard.allowed_actions(actor, dossier)


# --- Worklists of an official.
#
# "Việc của tôi" is the official's own: the open steps assigned to them, and for the desk's
# officers the desk's shared queue (dossiers to receive, received ones to pass on). The unit's
# queue (`unassigned`) holds the open steps nobody holds: its head sees all of them, a holder
# of a step's role those of their role. Province-wide roles see every agency's queues.


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _due(bucket: str, now: datetime) -> Q:
    if bucket == "due_today":
        tomorrow = _local_midnight(timezone.localdate(now) + timedelta(days=1))
        return Q(due_at__gte=now, due_at__lt=tomorrow)
    if bucket == "due_soon":
        horizon = get_calendar().add_working_days(now, DUE_SOON_WORKING_DAYS)
        return Q(due_at__gte=now, due_at__lte=horizon)
    return Q(due_at__lt=now)


def _official(actor) -> bool:
    return (bool(getattr(actor, "is_authenticated", False)) and not is_applicant(actor)
            and bool(actor.agency_id) and not actor.is_province_wide)


def worklist(actor, bucket: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """One of the official's queues (one statement, through an index of its own)."""
    if bucket not in BUCKETS:
        raise ValidationFailed(_("Danh sách công việc không hợp lệ: %(bucket)s.")
                               % {"bucket": bucket}, code="invalid_bucket")
    now = now or timezone.now()
    if _official(actor):
        qs = _own_work(actor, bucket, now)
    elif getattr(actor, "is_authenticated", False) and actor.is_province_wide:
        qs = _all_work(bucket, now)
    else:
        qs = Dossier.objects.none()
    if bucket in ("to_receive", "processing"):
        return listing(qs)
    return qs.select_related(*LIST_RELATED).order_by("due_at", "pk")


def _own_work(actor, bucket: str, now: datetime) -> QuerySet[Dossier]:
    here = Dossier.objects.filter(current_agency_id=actor.agency_id)
    desk = actor.has_role(Role.ONE_STOP_OFFICER)
    # The official's steps, through (assignee, status, due_at) alone: a step is held at the
    # agency handling it, so no agency condition (it would tempt the planner to the agency's
    # index and a scan of the agency's dossiers).
    mine = Dossier.objects.filter(assignee_id=actor.pk)
    if bucket == "to_receive":
        return here.filter(status=Status.SUBMITTED) if desk else here.none()
    if bucket == "processing":
        return mine.filter(status=Status.PROCESSING)
    if bucket == "unassigned":
        return _unassigned(here, actor)
    due = _due(bucket, now)
    steps = CLOCK_RUNNING & assignment.STEP_OPEN
    if not desk:
        return mine.filter(due, status__in=steps)
    # The desk's received dossiers wait for it to pass them on. Each branch names its whole
    # index prefix, (assignee, status, due) and (current agency, status, due), so that the
    # database reads the two ranges and unites them.
    return Dossier.objects.filter(due & (Q(assignee_id=actor.pk, status__in=steps)
                                         | Q(current_agency_id=actor.agency_id,
                                             status=Status.RECEIVED)))


def _unassigned(qs: QuerySet[Dossier], actor=None) -> QuerySet[Dossier]:
    qs = qs.filter(assignee__isnull=True, current_step__isnull=False,
                   status__in=assignment.STEP_OPEN)
    if actor is not None and not actor.has_role(*UNIT_HEAD_ROLES):
        # The steps they may take (assignment.holder_roles): of their role, or brought here
        # by a transfer from the agency whose process it is, for anyone who processes.
        transferred_in = ~Q(current_agency_id=Coalesce("current_step__handled_by_id",
                                                       "agency_id"))
        mine = Q(current_step__role__in=actor.role_codes)
        if actor.has_role(*assignment.STEP_ROLES):
            mine |= transferred_in
        qs = qs.filter(mine)
    return qs


def _all_work(bucket: str, now: datetime) -> QuerySet[Dossier]:
    qs = Dossier.objects.all()
    if bucket == "to_receive":
        return qs.filter(status=Status.SUBMITTED)
    if bucket == "processing":
        return qs.filter(status=Status.PROCESSING)
    if bucket == "unassigned":
        return _unassigned(qs)
    return qs.filter(_due(bucket, now), status__in=CLOCK_RUNNING)


# --- The unit's head: who holds how much.


def is_unit_head(actor) -> bool:
    return _official(actor) and actor.has_role(*UNIT_HEAD_ROLES)


def unit_load(actor, *, now: datetime | None = None) -> list[User]:
    """The officials of the head's agency who can hold steps, each with `open_load` (open
    dossiers assigned to them here) and `overdue_load` (of those, past their due date).
    Empty for anyone but a unit's head."""
    if not is_unit_head(actor):
        return []
    now = now or timezone.now()
    here = Q(assigned_dossiers__current_agency_id=actor.agency_id)
    holds = UserRole.objects.filter(user=OuterRef("pk"), role__in=assignment.STEP_ROLES)
    return list(
        User.objects.filter(Exists(holds), agency_id=actor.agency_id, is_active=True)
        .annotate(open_load=Count("assigned_dossiers",
                                  filter=here & Q(assigned_dossiers__status__in=OPEN)),
                  overdue_load=Count("assigned_dossiers", filter=here & Q(
                      assigned_dossiers__status__in=CLOCK_RUNNING,
                      assigned_dossiers__due_at__lt=now)))
        .prefetch_related("roles").order_by("full_name", "username"))


def assignee_choices(actor, dossier: Dossier, action: str) -> QuerySet[User]:
    """Whom the actor may give the step to with `action` (start, forward: the step it
    opens; reassign: the current one, its assignee left out), least loaded first."""
    if action == Action.REASSIGN:
        agency_id, roles = dossier.current_agency_id, assignment.holder_roles(dossier)
        exclude = dossier.assignee_id
    else:
        step = assignment.next_step(dossier, assignment.steps_of(dossier))
        if step is None:
            return User.objects.none()
        agency_id, roles, exclude = step.handled_by_id or dossier.agency_id, (step.role,), None
    if not any(roles):
        return User.objects.none()
    qs = assignment.with_load(assignment.eligible(agency_id, roles))
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("open_load", "full_name", "pk")


# --- Filters of a list.


SEARCH_MIN = 3  # a shorter fragment is matched as a whole code or applicant id only


def filter_dossiers(qs: QuerySet[Dossier], *, status: int | None = None,
                    procedure: str | None = None, agency: str | None = None,
                    received_from: date | None = None, received_to: date | None = None,
                    overdue: bool | None = None, q: str | None = None,
                    now: datetime | None = None, actor=None) -> QuerySet[Dossier]:
    """Narrow a scoped queryset. Dates are local calendar days, both ends included.

    `q` matches a whole code or applicant id, or (from SEARCH_MIN characters) a fragment of
    the code, the applicant's name or a one-line text of its e-forms (models.search_text),
    diacritics and case ignored as in the portal's search ("nguyen van an", "261204"): the
    newest search.SHOWN matches of a fragment. Give `actor` (the one `qs` was scoped for)
    so that an official's search reads their agency's part of the index only.
    """
    if status is not None:
        qs = qs.filter(status=status)
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    if agency:
        qs = qs.filter(Q(agency__code=agency) | Q(current_agency__code=agency))
    if received_from:
        qs = qs.filter(received_at__gte=_local_midnight(received_from))
    if received_to:
        qs = qs.filter(received_at__lt=_local_midnight(received_to + timedelta(days=1)))
    if overdue is not None:
        late = Q(status__in=CLOCK_RUNNING, due_at__lt=now or timezone.now())
        qs = qs.filter(late) if overdue else qs.exclude(late)
    if q and q.strip():
        q = q.strip()
        exact = Q(code__iexact=q) | Q(applicant_id_number=q)
        fragment = _fragment(q)
        if fragment:
            return search.newest_matches(qs, actor, fragment, exact)
        qs = qs.filter(exact)
    return qs


def _fragment(q: str) -> str | None:
    """The folded fragment `q` is also matched as, or None: shorter than SEARCH_MIN, or more
    digits in a row than a code holds (a personal id, found whole by its index)."""
    q = q.strip()
    fragment = fold(q)
    if len(fragment) < SEARCH_MIN or (q.isdigit() and len(q) > DIGIT_RUN_MAX):
        return None
    return fragment


def shows_newest_only(q: str | None, count: int) -> bool:
    """Whether a list filtered by `q` (`count` rows) may hold only a fragment's newest
    matches (search.SHOWN), more existing."""
    return bool(q and _fragment(q)) and count >= search.SHOWN


# --- The back office's dashboard and desk (added for tinhso.backoffice).


def worklist_counts(actor, *, now: datetime | None = None) -> dict[str, int]:
    """How many dossiers each of the official's queues holds, one query per queue."""
    now = now or timezone.now()
    return {bucket: worklist(actor, bucket, now=now).order_by().count() for bucket in BUCKETS}


def status_counts(actor) -> dict[int, int]:
    """Dossiers the official's agency received or is handling, by status (every status)."""
    from django.db.models import Count

    rows = (dossiers_for(actor).order_by().values("status")
            .annotate(n=Count("pk")).values_list("status", "n"))
    counts = dict.fromkeys(Status.values, 0)
    counts.update(rows)
    return counts


def known_applicant(actor, id_number: str) -> dict | None:
    """Contact details of an applicant from the newest dossier the actor may see, if any."""
    id_number = (id_number or "").strip()
    if not id_number:
        return None
    row = (dossiers_for(actor).filter(applicant_id_number=id_number)
           .order_by("-submitted_at", "-pk")
           .values("applicant_kind", "applicant_name", "applicant_id_number",
                   "applicant_phone", "applicant_email", "applicant_address").first())
    if row is None:
        return None
    return {key.removeprefix("applicant_"): value for key, value in row.items()}


def intake_procedures(actor, text: str = ""):
    """Published procedures the official's agency takes at its desk, optionally searched."""
    from tinhso.catalog import selectors as catalog
    from tinhso.catalog.models import Procedure, ProcedureVersion

    if not getattr(actor, "agency_id", None):
        return Procedure.objects.none()
    qs = Procedure.objects.filter(
        current_version__status=ProcedureVersion.Status.PUBLISHED,
        current_version__agencies=actor.agency_id,
    ).select_related("sector", "current_version").order_by("code")
    return catalog.search(qs, text) if text.strip() else qs


def transfer_targets(dossier: Dossier):
    """Agencies a dossier may be transferred to: any active one but the one handling it."""
    from tinhso.core.models import Agency

    return Agency.objects.filter(is_active=True).exclude(pk=dossier.current_agency_id)


def find_by_code_and_fact(code: str, fact: str) -> Dossier | None:
    """Anyone's lookup: the code and a second fact of the applicant. A wrong code and a
    wrong fact give the same None, so codes cannot be probed (the portal throttles too)."""
    code = (code or "").strip()
    if not code or not (fact or "").strip():
        return None
    dossier = Dossier.objects.select_related(*LIST_RELATED).filter(code__iexact=code).first()
    if dossier is None or not matches_fact(dossier.applicant_id_number,
                                           dossier.applicant_phone, fact):
        return None
    return dossier


def expected_due(dossier: Dossier) -> datetime | None:
    """The due date once received; before that, what it would be if received on submission."""
    if dossier.due_at or dossier.status not in OPEN:
        return dossier.due_at
    amount, unit = statutory_time(dossier)
    if amount is None:
        return None
    return get_calendar().due_at(dossier.submitted_at, amount, TimeUnit(unit))


# --- What a citizen filed before (the portal offers it again in a new filing).


def filed_forms(user, *, limit: int = 50) -> list[tuple[dict, dict, str, datetime]]:
    """The citizen's own filed e-forms, newest first: (definition, values, dossier code,
    submitted at). Through the index of their dossiers by submission, a few rows each."""
    from .models import DossierComponent

    if not getattr(user, "pk", None):
        return []
    return list(DossierComponent.objects
                .filter(dossier__applicant_user=user, form_data__isnull=False,
                        component__isnull=False)
                .order_by("-dossier__submitted_at", "-pk")
                .values_list("component__form", "form_data", "dossier__code",
                             "dossier__submitted_at")[:limit])
