"""Read queries on petitions, scoped to who asks.

The public lookup (code plus the sender's phone or id number) is portal.tracking's, the one
place that rule lives for dossiers and petitions alike; it reads `by_code` here.
"""

from django.db.models import QuerySet

from tinhso.dossiers.policy import is_applicant

from .models import Petition


def by_code(code: str) -> Petition | None:
    code = (code or "").strip()
    if not code:
        return None
    return Petition.objects.select_related("agency").filter(code__iexact=code).first()


def for_user(user) -> QuerySet[Petition]:
    """A citizen's own petitions, newest first."""
    if not is_applicant(user):
        return Petition.objects.none()
    return Petition.objects.filter(user=user).select_related("agency")


def answered_publicly() -> QuerySet[Petition]:
    return Petition.objects.filter(status=Petition.Status.ANSWERED, is_public=True)
