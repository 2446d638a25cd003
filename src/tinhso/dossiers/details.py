"""The parts of a dossier that its detail shows: papers, timeline, results, payments and
supplement requests.

Each part is read with one plain statement. A lookup is the engine's most frequent read,
and Django's prefetch built and compiled a query per part that cost more CPU than
PostgreSQL took to run it (about 0.6 ms against 0.05 ms). Results, payments and supplement
requests are read only when the dossier's own fields say it has some: most have none, and
each empty read is a statement.
"""

from __future__ import annotations

from django.db import connection

from tinhso.core.models import Agency

from .models import Dossier, DossierComponent, DossierEvent, Payment, Result, SupplementRequest

# (part, model, order, whether the dossier can have any)
PARTS = (
    ("components", DossierComponent, "id", lambda d: True),
    ("events", DossierEvent, "at, id", lambda d: True),
    ("results", Result, "id", lambda d: d.finished_at is not None),
    ("payments", Payment, "id", lambda d: d.fees_paid > 0 or d.refund_due > 0),
    ("supplement_requests", SupplementRequest, "id", lambda d: d.supplement_count > 0),
)
_SQL = {name: "SELECT {} FROM {} WHERE dossier_id = %s ORDER BY {}".format(  # noqa: S608 (names from the models)
            ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields),
            connection.ops.quote_name(model._meta.db_table), order)
        for name, model, order, _ in PARTS}


def load(dossier: Dossier) -> Dossier:
    """Read the dossier's parts and keep them on it (`dossier.events.all()` reads none)."""
    parts = {name: list(model.objects.raw(_SQL[name], [dossier.pk])) if present(dossier) else []
             for name, model, _, present in PARTS}
    _with_agencies(dossier, parts["events"])
    keep(dossier, **parts)
    return dossier


def keep(dossier: Dossier, **parts: list) -> None:
    """Hold the given rows as the dossier's parts, as prefetch_related would; a part not
    given is held as empty (a dossier just filed has no results yet)."""
    cache = dossier.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, *_ in PARTS:
        qs = getattr(dossier, name).all()
        qs._result_cache, qs._prefetch_done = list(parts.get(name, ())), True
        cache[name] = qs


def _with_agencies(dossier: Dossier, events: list[DossierEvent]) -> None:
    """Each event's agency (the timeline names it): the dossier's two agencies are loaded
    already; any other (a transfer through a third agency) in one more statement."""
    known = {a.pk: a for a in (dossier.agency, dossier.current_agency)}
    missing = {e.agency_id for e in events} - known.keys()
    if missing:
        known.update(Agency.objects.in_bulk(missing))
    for event in events:
        event.agency = known[event.agency_id]
