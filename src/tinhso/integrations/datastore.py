"""The personal e-data store: a citizen's digitised papers and results, reusable in new filings.

The port is what the portal asks; the local store answers from the citizen's own earlier
dossiers (papers uploaded or digitised, electronic results issued). A connection to the
national store would implement the same two methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.db.models import Q

from tinhso.core.text import fold
from tinhso.dossiers.models import DossierComponent, Result

PAPER_PREFIX = "GT-"
RESULT_PREFIX = "KQ-"
LIMIT = 100


@dataclass(frozen=True)
class StoredPaper:
    reference: str  # what DossierComponent.reused_from records
    name: str
    kind: str  # the catalogue's reusable_kind, else the folded name
    dossier_code: str
    added_at: datetime
    file: object  # a stored FieldFile: reuse points at it, nothing is copied


class PersonalDataStore(Protocol):
    def papers(self, user) -> list[StoredPaper]: ...

    def get(self, user, reference: str) -> StoredPaper | None: ...


def fits(paper: StoredPaper, component) -> bool:
    """The catalogue says which components a stored paper may stand for: those whose
    reusable_kind it has (an application form filled for one filing is never reused)."""
    return bool(component.reusable_kind) and paper.kind == component.reusable_kind


class LocalDataStore:
    def _components(self, user):
        return (DossierComponent.objects
                .filter(dossier__applicant_user=user, reused_from="")
                .exclude(file="").select_related("dossier", "component")
                .order_by("-added_at", "-pk"))

    def _results(self, user):
        return (Result.objects.filter(dossier__applicant_user=user, is_electronic=True)
                .exclude(file="").select_related("dossier").order_by("-issued_at", "-pk"))

    @staticmethod
    def _paper(row) -> StoredPaper:
        kind = (row.component.reusable_kind if row.component_id else "") or fold(row.name)
        return StoredPaper(f"{PAPER_PREFIX}{row.pk}", row.name, kind, row.dossier.code,
                           row.added_at, row.file)

    @staticmethod
    def _result(row) -> StoredPaper:
        return StoredPaper(f"{RESULT_PREFIX}{row.pk}", row.name, fold(row.name),
                           row.dossier.code, row.issued_at, row.file)

    def papers(self, user) -> list[StoredPaper]:
        if not getattr(user, "is_authenticated", False):
            return []
        found = [self._paper(r) for r in self._components(user)[:LIMIT]]
        found += [self._result(r) for r in self._results(user)[:LIMIT]]
        return found

    def get(self, user, reference: str) -> StoredPaper | None:
        if not getattr(user, "is_authenticated", False):
            return None
        prefix, _sep, pk = (reference or "").partition("-")
        if not pk.isdigit():
            return None
        if f"{prefix}-" == PAPER_PREFIX:
            row = self._components(user).filter(Q(pk=int(pk))).first()
            return self._paper(row) if row else None
        if f"{prefix}-" == RESULT_PREFIX:
            row = self._results(user).filter(pk=int(pk)).first()
            return self._result(row) if row else None
        return None


def store() -> PersonalDataStore:
    return LocalDataStore()
