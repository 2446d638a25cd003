"""Read queries on petitions, scoped to who asks."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.access import scope_to_agency
from tinhso.core.calendar import get_calendar
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.models import Agency, User
from tinhso.dossiers.identifiers import matches_fact
from tinhso.dossiers.policy import is_applicant, is_staff_member

from .models import Petition


def by_code(code: str) -> Petition | None:
    code = (code or "").strip()
    if not code:
        return None
    return Petition.objects.select_related("agency").filter(code__iexact=code).first()


def find_by_code_and_fact(code: str, fact: str) -> Petition | None:
    """Anyone's lookup: the code and the sender's phone or id number (the same rule as for
    dossiers); a wrong code and a wrong fact give the same None."""
    found = by_code(code)
    if found and matches_fact(found.submitter_id_number, found.submitter_phone, fact):
        return found
    return None


def for_user(user) -> QuerySet[Petition]:
    """A citizen's own petitions, newest first."""
    if not is_applicant(user):
        return Petition.objects.none()
    return Petition.objects.filter(user=user).select_related("agency")


def answered_publicly() -> QuerySet[Petition]:
    return Petition.objects.filter(status=Petition.Status.ANSWERED, is_public=True).order_by(
        "-published_at", "-pk")


# --- The agency's inbox (officials).

QUEUES = ("open", "unassigned", "mine", "waiting", "due_soon", "overdue", "to_publish",
          "closed")
SOON_WORKING_DAYS = 2  # "due soon": the resolution deadline within two working days


def for_official(user) -> QuerySet[Petition]:
    """The petitions of the official's agency (every agency's, and those addressed to none,
    for province-wide officials); nobody else's."""
    if not getattr(user, "is_authenticated", False) or not is_staff_member(user):
        return Petition.objects.none()
    qs = scope_to_agency(Petition.objects.all(), user)
    return qs.select_related("agency", "assignee")


def get_for_official(user, code: str) -> Petition:
    """One petition of the official's scope; NotFound (404) for any other, never 403."""
    found = for_official(user).select_related("forwarded_from", "answered_by").filter(
        code__iexact=(code or "").strip()).first()
    if found is None:
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."))
    return found


def in_queue(qs: QuerySet[Petition], queue: str, user=None, *, now=None) -> QuerySet[Petition]:
    now = now or timezone.now()
    S = Petition.Status
    if queue == "open":
        return qs.filter(status__in=(S.RECEIVED, S.WAITING))
    if queue == "unassigned":
        return qs.filter(status__in=(S.RECEIVED, S.WAITING), assignee__isnull=True)
    if queue == "mine":
        return qs.filter(status__in=(S.RECEIVED, S.WAITING), assignee=user)
    if queue == "waiting":
        return qs.filter(status=S.WAITING)
    if queue == "due_soon":
        soon = get_calendar().add_working_days(now, SOON_WORKING_DAYS)
        return qs.filter(status=S.RECEIVED, due_at__gte=now, due_at__lte=soon)
    if queue == "overdue":
        return qs.filter(status=S.RECEIVED, due_at__lt=now)
    if queue == "to_publish":
        return qs.filter(status=S.ANSWERED, is_public=False)
    if queue == "closed":
        return qs.filter(status__in=(S.ANSWERED, S.REFUSED))
    raise ValidationFailed(_("Không có hàng đợi %s.") % queue, code="invalid_queue")


def queue_counts(user, *, now=None) -> dict[str, int]:
    qs = for_official(user)
    return {q: in_queue(qs, q, user, now=now).count() for q in QUEUES}


def assignable(petition: Petition) -> QuerySet:
    """Active officials of the petition's agency."""
    if petition.agency_id is None:
        return User.objects.none()
    return User.objects.filter(agency_id=petition.agency_id, is_active=True).order_by(
        "full_name", "username")


def forward_targets(petition: Petition) -> QuerySet[Agency]:
    return Agency.objects.filter(is_active=True).exclude(pk=petition.agency_id).order_by("code")
