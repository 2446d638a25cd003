"""Writing a batch of journeys: codes from the counters, then dossiers and their rows in bulk.

One transaction per batch and a fixed number of statements whatever the batch holds. On
PostgreSQL the child rows go through COPY (the event table is the big one); elsewhere through
bulk_create.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import connection, transaction

from ..models import (
    CodeCounter,
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Result,
    SupplementRequest,
    search_text,
)
from ..transitions import Action
from .journey import Journey

EVENT_COLS = ("dossier_id", "at", "actor_name", "action", "from_status", "to_status",
              "agency_id", "step_id", "note", "data")
COMPONENT_COLS = ("dossier_id", "component_id", "name", "is_digitized", "reused_from",
                  "is_supplement", "added_at", "file")
SUPPLEMENT_COLS = ("dossier_id", "requested_at", "reasons", "resolved_at", "paused_seconds")
RESULT_COLS = ("dossier_id", "name", "number", "is_electronic", "issued_at", "file")
PAYMENT_COLS = ("dossier_id", "amount", "method", "reference", "paid_at")
REFERENCE_PREFIX = {Payment.Method.NATIONAL_PORTAL: "QG", Payment.Method.PROVINCE_GATEWAY: "TT",
                    Payment.Method.DESK: "BL"}


def reference(code: str, method: int, n: int) -> str:
    """Transaction reference of the dossier's n-th payment: unique as dossier codes are."""
    return f"{REFERENCE_PREFIX[method]}-{code}-{n}"


class Writer:
    def __init__(self, use_copy: bool | None = None):
        self.use_copy = connection.vendor == "postgresql" if use_copy is None else use_copy

    def write(self, journeys: Sequence[Journey]) -> None:
        with transaction.atomic():
            self._codes(journeys)
            self._dossiers([j.dossier for j in journeys])
            events, components, supplements, results, payments = [], [], [], [], []
            for j in journeys:
                pk = j.dossier.pk
                code = j.dossier.code
                n = 0
                for change, actor, note, step in j.events:
                    if change.action == Action.RECORD_PAYMENT:
                        n += 1
                        change.data["reference"] = reference(code, change.data["method"], n)
                    events.append((pk, change.at, actor, str(change.action),
                                   change.from_status, change.to_status, change.agency_id,
                                   step, note, change.data))
                components.extend((pk, *row, "") for row in j.components)
                supplements.extend((pk, *row) for row in j.supplements)
                results.extend((pk, *row, "") for row in j.results)
                for n, (amount, method, at) in enumerate(j.payments, 1):
                    payments.append((pk, amount, int(method), reference(code, method, n), at))
            self._insert(DossierEvent, EVENT_COLS, events, json_col=9)
            self._insert(DossierComponent, COMPONENT_COLS, components)
            self._insert(SupplementRequest, SUPPLEMENT_COLS, supplements)
            self._insert(Result, RESULT_COLS, results)
            self._insert(Payment, PAYMENT_COLS, payments)

    def _codes(self, journeys: Sequence[Journey]) -> None:
        """`<agency>-<yymmdd>-<nnnn>`, gap-free per agency and day after what exists.

        The counter rows of the batch's days are locked, so live submissions wait for us
        and then continue the sequence."""
        days = [j.day for j in journeys]
        rows = CodeCounter.objects.select_for_update().filter(
            day__gte=min(days), day__lte=max(days)).values_list("agency_id", "day", "last")
        counters = {(agency, day): last for agency, day, last in rows}
        touched = {}
        for j in journeys:
            key = (j.dossier.agency_id, j.day)
            n = touched[key] = counters[key] = counters.get(key, 0) + 1
            j.dossier.code = f"{j.agency_code}-{j.day:%y%m%d}-{n:04d}"
            j.dossier.search_text = search_text(j.dossier.code, j.dossier.applicant_name)
        CodeCounter.objects.bulk_create(
            [CodeCounter(agency_id=a, day=d, last=n) for (a, d), n in touched.items()],
            update_conflicts=True, unique_fields=["agency", "day"], update_fields=["last"],
        )

    def _dossiers(self, dossiers: list[Dossier]) -> None:
        if not self.use_copy:
            Dossier.objects.bulk_create(dossiers, batch_size=1000)
            return
        # Ids from the table's own sequence in one query, then one COPY: what bulk_create
        # does, without preparing 50 values per row through the ORM.
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                           "FROM generate_series(1, %s)", [Dossier._meta.db_table,
                                                           len(dossiers)])
            ids = [row[0] for row in cursor.fetchall()]
        for dossier, pk in zip(dossiers, ids, strict=True):
            dossier.pk = pk
            dossier._state.adding, dossier._state.db = False, connection.alias
        names = [f.attname for f in Dossier._meta.concrete_fields]
        self._copy(Dossier, names, ([getattr(d, n) for n in names] for d in dossiers))

    def _insert(self, model, cols, rows, json_col: int | None = None) -> None:
        if not rows:
            return
        if not self.use_copy:
            model.objects.bulk_create([model(**dict(zip(cols, row, strict=True)))
                                       for row in rows], batch_size=2000)
            return
        if json_col is not None:
            rows = ((*row[:json_col], json.dumps(row[json_col], ensure_ascii=False),
                     *row[json_col + 1:]) for row in rows)
        self._copy(model, cols, rows)

    def _copy(self, model, attnames, rows) -> None:
        qn = connection.ops.quote_name
        columns = ", ".join(qn(model._meta.get_field(c).column) for c in attnames)
        sql = f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
