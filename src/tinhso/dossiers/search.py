"""An official's search by a fragment of a code, a name or an e-form's text: its newest
matches, found by an index whatever the dossier table holds.

On PostgreSQL the candidates come from the keys of migration 0016 (an agency and a
three-character piece of `search_text`, hashed): only dossiers that hold every piece of the
fragment within the official's agency are read, then checked exactly (`search_text LIKE`).
A fragment found in thousands ("nguyen") is not sorted whole: the agency's dossiers are
walked newest first until enough of them match. Either way at most SHOWN dossiers, the
newest, make the result, as ids: its pages and count then read those rows only.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib.postgres.fields import ArrayField
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Func, Q, QuerySet, Value

from tinhso.core.models import Agency

from .models import Dossier
from .policy import is_applicant

SHOWN = 200  # the newest matches a fragment search shows: four pages of fifty
# Up to this many matches are read and sorted; past it, walking the newest is cheaper.
SORTED = 2_000
NEWEST = ("-submitted_at", "-pk")


def _keys(received, handling, text) -> Func:
    """The SQL function of migration 0016, on a row's columns or on a fragment."""
    return Func(received, handling, text, function="dossier_search_keys",
                output_field=ArrayField(BigIntegerField()))


ROW_KEYS = _keys(F("agency_id"), F("current_agency_id"), F("search_text"))


def _agency_scoped(actor) -> bool:
    return (bool(getattr(actor, "is_authenticated", False)) and not is_applicant(actor)
            and not actor.is_province_wide and bool(actor.agency_id))


def newest_matches(qs: QuerySet, actor, fragment: str, exact: Q) -> QuerySet:
    """`qs` narrowed to what `exact` matches (a whole code or id) or holds the folded
    `fragment` in its search text: the SHOWN newest of them at most."""
    text = Q(search_text__contains=fragment)
    found = qs.filter(exact | text)
    # Room for an exact bitmap of every candidate: a lossy one would recheck its pages'
    # dossiers by computing their keys, row by row. No parallel workers: starting them costs
    # more than the scan saves, on a machine that serves many searches at once.
    with _planner(work_mem="64MB", max_parallel_workers_per_gather="0"):
        candidates = list(_holding(qs, actor, fragment, text)
                          .values_list("pk", flat=True)[:SORTED + 1])
    if len(candidates) > SORTED:
        ids = _walked_ids(found, actor.agency_id if _agency_scoped(actor) else None)
    else:
        ids = list(qs.filter(exact | Q(pk__in=candidates)).order_by(*NEWEST)
                   .values_list("pk", flat=True)[:SHOWN])
    return qs.filter(pk__in=ids) if ids else qs.none()


def _holding(qs: QuerySet, actor, fragment: str, text: Q) -> QuerySet:
    """Dossiers holding the fragment. On PostgreSQL, read through the keys alone: an
    official's agency's keys imply their scope, whose own indexes would only add reads
    (the scope and the list's filters are applied to these few afterwards). An applicant's
    own dossiers are few: read whole, they need no index."""
    if connection.vendor != "postgresql" or is_applicant(actor):
        return qs.filter(text).order_by()
    return (Dossier.objects.alias(search_keys=ROW_KEYS)
            .filter(text & _any_agency_holds(actor, fragment)))


def _any_agency_holds(actor, fragment: str) -> Q:
    agencies = ([actor.agency_id] if _agency_scoped(actor)
                else Agency.objects.order_by("pk").values_list("pk", flat=True))
    held = Q()
    for agency in agencies:
        held |= Q(search_keys__contains=_keys(Value(agency), Value(agency), Value(fragment)))
    return held


def _walked_ids(found: QuerySet, agency: int | None) -> list[int]:
    """The newest SHOWN matches, the agency's dossiers read newest first along the index
    (current agency, submitted_at, id) until that many match; the dossiers the agency
    received and sent elsewhere, the scope's other half, likewise along their partial index
    (agency, submitted_at, id). Without an agency (a province-wide role), the whole scope is
    walked."""
    # Estimates cannot tell "nguyen" (two in five dossiers) from a rare name: the walk is
    # only chosen here, where the matches are known to be many.
    with _planner(enable_sort="off"):
        if agency is None:
            return [pk for _at, pk in _newest(found)]
        rows = _newest(found.filter(current_agency_id=agency))
        rows += _newest(_transferred(found, agency))
    return [pk for _at, pk in sorted(rows, reverse=True)[:SHOWN]]


def _transferred(found: QuerySet, agency: int) -> QuerySet:
    """The agency's dossiers handled elsewhere now, spelt as their partial index's predicate
    (migration 0018), which the planner must recognise to use it."""
    return found.filter(agency_id=agency).exclude(current_agency_id=F("agency_id"))


def _newest(qs: QuerySet) -> list[tuple]:
    return list(qs.order_by(*NEWEST).values_list("submitted_at", "pk")[:SHOWN])


@contextmanager
def _planner(**values: str):
    """A transaction where PostgreSQL plans with these settings (one statement to set them,
    one to reset them: a savepoint's release keeps SET LOCAL until the request's own
    transaction ends); elsewhere, a plain transaction."""
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SELECT " + ", ".join("set_config(%s, %s, true)" for _ in values),
                           [part for pair in values.items() for part in pair])
        yield
        if postgresql:
            cursor.execute("; ".join(f"RESET {name}" for name in values))
