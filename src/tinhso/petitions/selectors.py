"""Read queries on petitions, scoped to who asks."""

from django.db.models import QuerySet

from tinhso.dossiers.identifiers import matches_fact
from tinhso.dossiers.policy import is_applicant

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
    return Petition.objects.filter(status=Petition.Status.ANSWERED, is_public=True)
