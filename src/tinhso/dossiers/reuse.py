"""Papers reused from the applicant's personal e-data store, and the rule that binds them.

A reference names one earlier paper (`GT-<id>`: a paper uploaded or digitised in one of the
applicant's dossiers, not itself a reuse) or one electronic result (`KQ-<id>`) that has a
file. It resolves only when that dossier's applicant is the applicant of the new filing (same
personal id or tax code), whoever files it: the citizen online, or an official at the desk.
A reference that does not resolve is refused, so it never stands for a required paper.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import CharField, F, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Coalesce

from tinhso.core.text import fold

from .models import DossierComponent, Result

PAPER_PREFIX = "GT-"
RESULT_PREFIX = "KQ-"
_COLUMNS = ("source", "pk", "name", "file", "dossier__code", "at", "kind")


@dataclass(frozen=True)
class StoredPaper:
    reference: str  # what DossierComponent.reused_from records
    name: str
    kind: str  # the catalogue's reusable_kind, else the folded name
    dossier_code: str
    added_at: datetime
    file: FieldFile  # the stored file: reuse points at it, nothing is copied


def parse(reference: str) -> tuple[str, int] | None:
    """(prefix, id) of a well-formed reference, else None."""
    prefix, sep, pk = (reference or "").partition("-")
    if not sep or not pk.isdigit() or len(pk) > 18 or f"{prefix}-" not in (PAPER_PREFIX,
                                                                          RESULT_PREFIX):
        return None
    return f"{prefix}-", int(pk)


def papers_of(id_number: str):
    """The applicant's own papers that may be reused (newest first)."""
    return (DossierComponent.objects
            .filter(dossier__applicant_id_number=id_number, reused_from="")
            .exclude(file=""))


def results_of(id_number: str):
    """The applicant's own electronic results with a file."""
    return (Result.objects.filter(dossier__applicant_id_number=id_number, is_electronic=True)
            .exclude(file=""))


def resolve(id_number: str, references: Iterable[str]) -> dict[str, StoredPaper]:
    """The given references that name a paper or result of this applicant, by reference.

    One statement (two joined by UNION when both kinds are asked), by primary key.
    """
    wanted: dict[str, set[int]] = {PAPER_PREFIX: set(), RESULT_PREFIX: set()}
    for reference in references:
        parsed = parse(reference)
        if parsed:
            wanted[parsed[0]].add(parsed[1])
    if not id_number or not (wanted[PAPER_PREFIX] or wanted[RESULT_PREFIX]):
        return {}
    if connection.vendor == "postgresql":
        # Written out, so PostgreSQL prepares it: built by the ORM (annotations, a union) the
        # statement took about 1 ms of CPU to compile on every submission that reuses a paper.
        with connection.cursor() as cursor:
            cursor.execute(_RESOLVE, [list(wanted[PAPER_PREFIX]), id_number,
                                      list(wanted[RESULT_PREFIX]), id_number])
            found = cursor.fetchall()
    else:
        found = _resolve_orm(id_number, wanted)
    field = DossierComponent._meta.get_field("file")
    out = {}
    for source, pk, name, file, code, at, kind in found:
        reference = f"{source}{pk}"
        out[reference] = StoredPaper(reference, name, kind or fold(name), code, at,
                                     FieldFile(None, field, file))
    return out


def _resolve_orm(id_number: str, wanted: dict[str, set[int]]):
    text = CharField()
    queries = []
    if wanted[PAPER_PREFIX]:
        queries.append(papers_of(id_number).filter(pk__in=wanted[PAPER_PREFIX]).annotate(
            source=Value(PAPER_PREFIX, text), at=F("added_at"),
            kind=Coalesce(F("component__reusable_kind"), Value("", text))))
    if wanted[RESULT_PREFIX]:
        queries.append(results_of(id_number).filter(pk__in=wanted[RESULT_PREFIX]).annotate(
            source=Value(RESULT_PREFIX, text), at=F("issued_at"), kind=Value("", text)))
    rows = [q.order_by().values_list(*_COLUMNS) for q in queries]
    return rows[0].union(rows[1], all=True) if len(rows) == 2 else rows[0]


# The same rows as _resolve_orm: papers (not themselves reuses, with a file) and electronic
# results with a file, of dossiers of this applicant, by id. 'GT-' and 'KQ-' are the prefixes.
_RESOLVE = """SELECT 'GT-', c.id, c.name, c.file, d.code, c.added_at,
       COALESCE(k.reusable_kind, '')
FROM dossiers_dossiercomponent c JOIN dossiers_dossier d ON d.id = c.dossier_id
LEFT JOIN catalog_component k ON k.id = c.component_id
WHERE c.id = ANY(%s) AND d.applicant_id_number = %s AND c.reused_from = '' AND c.file <> ''
UNION ALL
SELECT 'KQ-', r.id, r.name, r.file, d.code, r.issued_at, ''
FROM dossiers_result r JOIN dossiers_dossier d ON d.id = r.dossier_id
WHERE r.id = ANY(%s) AND d.applicant_id_number = %s AND r.is_electronic AND r.file <> ''"""
