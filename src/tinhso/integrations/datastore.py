"""The personal e-data store: a citizen's digitised papers and results, reusable in new filings.

The port is what the portal asks; the local store answers from the citizen's own earlier
dossiers (papers uploaded or digitised, electronic results issued), those whose applicant has
the citizen's personal id: the rule every filing checks (tinhso.dossiers.reuse). A connection to the
national store would implement the same two methods.
"""

from __future__ import annotations

from typing import Protocol

from tinhso.core.text import fold
from tinhso.dossiers import reuse
from tinhso.dossiers.reuse import PAPER_PREFIX, RESULT_PREFIX, StoredPaper

__all__ = ["PAPER_PREFIX", "RESULT_PREFIX", "LocalDataStore", "StoredPaper", "fits", "store"]
LIMIT = 100


class PersonalDataStore(Protocol):
    def papers(self, user) -> list[StoredPaper]: ...

    def get(self, user, reference: str) -> StoredPaper | None: ...


def fits(paper: StoredPaper, component) -> bool:
    """The catalogue says which components a stored paper may stand for: those whose
    reusable_kind it has (an application form filled for one filing is never reused)."""
    return bool(component.reusable_kind) and paper.kind == component.reusable_kind


class LocalDataStore:
    def _components(self, user):
        return (reuse.papers_of(user.personal_id).select_related("dossier", "component")
                .order_by("-added_at", "-pk"))

    def _results(self, user):
        return (reuse.results_of(user.personal_id).select_related("dossier")
                .order_by("-issued_at", "-pk"))

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
        if not getattr(user, "is_authenticated", False) or not user.personal_id:
            return []
        found = [self._paper(r) for r in self._components(user)[:LIMIT]]
        found += [self._result(r) for r in self._results(user)[:LIMIT]]
        return found

    def get(self, user, reference: str) -> StoredPaper | None:
        """The paper, if it is the user's own: the rule every filing checks (dossiers.reuse)."""
        if not getattr(user, "is_authenticated", False) or not user.personal_id:
            return None
        return reuse.resolve(user.personal_id, [reference]).get(reference)


def store() -> PersonalDataStore:
    return LocalDataStore()
