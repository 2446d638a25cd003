"""Read queries of the catalogue, already scoped to what the reader may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tinhso.core.text import fold

from .models import Procedure, ProcedureVersion, ProcessTemplate, Sector
from .services import can_manage

VERSION_PARTS = (
    "agencies", "components", "fees", "resulttypes",
    Prefetch("processes", ProcessTemplate.objects.select_related("agency").prefetch_related(
        "steps__handled_by")),
)


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("name")


def procedures(user) -> QuerySet[Procedure]:
    """The public sees procedures with a published version; administrators see drafts too."""
    qs = Procedure.objects.select_related("sector", "current_version").order_by("code")
    if not can_manage(user):
        qs = qs.filter(current_version__isnull=False)
    return qs


def with_current_parts(qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return qs.prefetch_related(*(
        Prefetch(f"current_version__{p}") if isinstance(p, str)
        else Prefetch(f"current_version__{p.prefetch_through}", p.queryset)
        for p in VERSION_PARTS
    ))


def versions(user) -> QuerySet[ProcedureVersion]:
    qs = ProcedureVersion.objects.select_related("procedure").prefetch_related(*VERSION_PARTS)
    if not can_manage(user):
        qs = qs.exclude(status=ProcedureVersion.Status.DRAFT)
    return qs


def search(qs: QuerySet[Procedure], text: str) -> QuerySet[Procedure]:
    """Every word of the query, without diacritics or case, somewhere in the name or the code."""
    for word in fold(text).split():
        qs = qs.filter(Q(search_name__contains=word) | Q(code__startswith=word))
    return qs
