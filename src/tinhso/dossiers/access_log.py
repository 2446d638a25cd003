"""Reads of personal data by officials go into the audit chain: one entry per request.

A dossier shown (its detail, a paper, a receipt) is one entry naming the dossier; a list, a
search or an export is one entry with its query and the number of rows it gave, never one per
row. Citizens reading their own dossiers are not recorded. Each entry is one INSERT without a
lock, committed without waiting for a disk flush (core.audit.record_read), so the officials'
lookups and searches neither wait for one another nor for the disk.
"""

from tinhso.core import audit

from . import policy

MAX_QUERY_VALUE = 200  # a query value longer than this is cut in the entry


def _official(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and policy.is_staff_member(user)


def query_of(request) -> dict:
    """The request's query parameters (the filters an official asked for), bounded."""
    return {k: v[:MAX_QUERY_VALUE] for k, v in list(request.GET.items())[:30] if k != "page"}


def viewed(request, dossier, *, part: str = "detail") -> None:
    if _official(request.user):
        audit.record_read("dossier.viewed", actor=request.user, request=request,
                     target=("dossiers.dossier", dossier.pk),
                     data={"code": dossier.code, "part": part})


def listed(request, *, view: str, rows: int, query: dict | None = None,
           action: str = "dossier.listed") -> None:
    if _official(request.user):
        audit.record_read(action, actor=request.user, request=request,
                     data={"view": view, "query": query_of(request) if query is None else query,
                           "rows": rows})


def exported(request, *, rows: int) -> None:
    listed(request, view="export.xlsx", rows=rows, action="dossier.exported")
