"""Read queries on dossiers, already scoped to what the actor may see.

Mirrors policy.can_see as a query. Applicants (accounts without an agency or role) see the
dossiers they filed; officials see those their agency received or is handling now;
province-wide roles see all. Anything else answers 404, so that other agencies' codes
cannot be probed.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import BigIntegerField, F, Q, QuerySet, Value
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.timeunits import TimeUnit

from . import details as details_of
from . import lifecycle
from .identifiers import matches_fact
from .models import Dossier, Status
from .policy import is_applicant, may
from .transitions import OPEN, Action, allowed_actions, statutory_time

# Open statuses whose deadline clock runs (it is paused while a supplement is awaited).
CLOCK_RUNNING = frozenset(OPEN - {Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED})
LIST_RELATED = ("procedure", "agency", "current_agency")
BUCKETS = ("to_receive", "processing", "due_today", "due_soon", "overdue")
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


def _related(details: bool, version: bool) -> tuple[str, ...]:
    if not details:
        return LIST_RELATED
    return (*LIST_RELATED, "current_step", *(("procedure_version",) if version else ()))


def actions_for(actor, dossier: Dossier) -> list[str]:
    """The actions this actor may take on the dossier now (buttons to show)."""
    actions = [a for a in allowed_actions(dossier.status) if may(actor, dossier, a)]
    if dossier.rating is not None:  # apply() refuses a second rating
        actions = [a for a in actions if a != Action.RATE]
    return actions


# --- Worklists of an official.


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _my_work(actor) -> QuerySet[Dossier]:
    qs = dossiers_for(actor)
    if actor.is_authenticated and actor.agency_id and not actor.is_province_wide:
        qs = qs.filter(current_agency_id=actor.agency_id)
    return qs


def worklist(actor, bucket: str, *, now: datetime | None = None) -> QuerySet[Dossier]:
    """One of the official's queues; province-wide roles see every agency's."""
    now = now or timezone.now()
    qs = _my_work(actor)
    running = qs.filter(status__in=CLOCK_RUNNING)
    if bucket == "to_receive":
        qs = qs.filter(status=Status.SUBMITTED)
    elif bucket == "processing":
        qs = qs.filter(status=Status.PROCESSING)
    elif bucket == "due_today":
        tomorrow = _local_midnight(timezone.localdate(now) + timedelta(days=1))
        qs = running.filter(due_at__gte=now, due_at__lt=tomorrow)
    elif bucket == "due_soon":
        horizon = get_calendar().add_working_days(now, DUE_SOON_WORKING_DAYS)
        qs = running.filter(due_at__gte=now, due_at__lte=horizon)
    elif bucket == "overdue":
        qs = running.filter(due_at__lt=now)
    else:
        raise ValidationFailed(_("Danh sách công việc không hợp lệ: %(bucket)s.")
                               % {"bucket": bucket}, code="invalid_bucket")
    if bucket in ("to_receive", "processing"):
        return listing(qs)
    return qs.select_related(*LIST_RELATED).order_by("due_at", "pk")


# --- Filters of a list.


NAME_SEARCH_MIN = 3  # shorter text is matched against codes and applicant ids only


def filter_dossiers(qs: QuerySet[Dossier], *, status: int | None = None,
                    procedure: str | None = None, agency: str | None = None,
                    received_from: date | None = None, received_to: date | None = None,
                    overdue: bool | None = None, q: str | None = None,
                    now: datetime | None = None, actor=None) -> QuerySet[Dossier]:
    """Narrow a scoped queryset. Dates are local calendar days, both ends included.

    `q` matches a code (any case), an applicant id, or a fragment of the applicant's name
    (from NAME_SEARCH_MIN characters, without digits). Give `actor` (the one `qs` was
    scoped for) so that an official's name search reads their agency's rows only, through
    the index (agency handling, name); without it the result is the same, only slower.
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
        match = Q(code__iexact=q) | Q(applicant_id_number=q)
        if len(q) >= NAME_SEARCH_MIN and not any(ch.isdigit() for ch in q):
            match |= _name_match(actor, q)  # names have no digits; codes and ids have
        qs = qs.filter(match)
    return qs


def _name_match(actor, q: str) -> Q:
    name = Q(applicant_name__icontains=q)
    if actor is None or not _agency_scoped(actor):
        return name
    # The official's scope (received here, or handled here now) spelt out on the name
    # branch, one index per half: (current agency, name) and the transferred-away rows.
    # The id is cast to bigint: the GIN index (btree_gin) only takes a same-type comparison.
    agency_id = Cast(Value(actor.agency_id), BigIntegerField())
    return ((name & Q(current_agency_id=agency_id))
            | (name & Q(agency_id=actor.agency_id) & ~Q(current_agency_id=F("agency_id"))))


def _agency_scoped(actor) -> bool:
    return (bool(getattr(actor, "is_authenticated", False)) and not is_applicant(actor)
            and not actor.is_province_wide and bool(actor.agency_id))


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


def offered_actions(actor, dossier: Dossier) -> list[str]:
    """actions_for without the ones the dossier's own state would refuse anyway (buttons)."""
    actions = actions_for(actor, dossier)
    if dossier.current_agency_id == dossier.agency_id:  # nothing to transfer back
        actions = [a for a in actions if a != Action.TRANSFER_BACK]
    if Action.FORWARD in actions and lifecycle.at_last_step(dossier):
        actions = [a for a in actions if a != Action.FORWARD]
    return actions


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
    amount, unit = statutory_time(dossier.procedure_version)
    return get_calendar().due_at(dossier.submitted_at, amount, TimeUnit(unit))
