"""Recompute the index from the raw dossiers and compare it with the aggregates.

Timeliness is recomputed by `dossiers.timeliness.classify` itself, dossier by dossier (this is
a check, not a serving path); the other counters by plain queries on the dossiers table. A
difference in any counter of any agency, or in any component's points, is a mismatch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import TruncMonth

from tinhso.catalog.models import OnlineLevel
from tinhso.core.calendar import get_calendar
from tinhso.dossiers.models import Dossier, SyncState
from tinhso.dossiers.timeliness import Timeliness, classify

from . import counts
from .aggregation import SATISFIED_FROM, local_today
from .definitions import active_definition
from .models import COUNTERS, DailyFact, MonthlyFact
from .periods import Period
from .scoring import score

CHECKED = ("ended_on_time", "ended_late", "received", "synced", "online_eligible",
           "full_online", "with_fees", "paid_online", "digitized", "reused", "population_db",
           "with_result", "e_result", "edata", "rated", "satisfied")
FACT_FIELDS = ("pk", "agency_id", "status", "submitted_at", "received_at", "due_at",
               "finished_at", "returned_at", "closed_at", "paused_since", "paused_seconds",
               "supplement_count", "processing_time", "time_unit")


@dataclass
class PeriodCheck:
    period: Period
    until: date
    judged: int = 0
    on_time: int = 0
    aggregate_judged: int = 0
    aggregate_on_time: int = 0
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


class _Facts:
    __slots__ = ("agency_id", "closed_at", "due_at", "finished_at", "paused_seconds",
                 "paused_since", "pk", "processing_time", "received_at", "returned_at",
                 "status", "submitted_at", "supplement_count", "time_unit")

    def __init__(self, row):
        for name, value in zip(FACT_FIELDS, row, strict=True):
            setattr(self, name, value)


def verify(periods: list[Period], *, today: date | None = None) -> list[PeriodCheck]:
    today = today or local_today()
    checks = [PeriodCheck(p, p.until(today)) for p in periods]
    raw = [defaultdict(lambda: defaultdict(int)) for _ in checks]
    _timeliness(checks, raw)
    for check, by_agency in zip(checks, raw, strict=True):
        _flags(check, by_agency)
        _compare(check, by_agency)
    return checks


def _timeliness(checks: list[PeriodCheck], raw) -> None:
    cal = get_calendar()
    rows = Dossier.objects.values_list(*FACT_FIELDS).iterator(chunk_size=20_000)
    for row in rows:
        facts = _Facts(row)
        for check, by_agency in zip(checks, raw, strict=True):
            verdict = classify(facts, check.period.first, check.until, cal)
            if verdict == Timeliness.NOT_COUNTED:
                continue
            c = by_agency[facts.agency_id]
            c["judged"] += 1
            if verdict in (Timeliness.ON_TIME, Timeliness.OPEN_ON_TIME):
                c["on_time"] += 1
            if verdict == Timeliness.ON_TIME:
                c["ended_on_time"] += 1
            elif verdict == Timeliness.LATE:
                c["ended_late"] += 1


def _flags(check: PeriodCheck, by_agency) -> None:
    span = {"gte": check.period.first, "lte": check.until}
    received = Q(received_at__date__gte=span["gte"], received_at__date__lte=span["lte"])
    eligible = received & Q(procedure_version__online_level=OnlineLevel.FULL)
    fees = received & Q(fees_owed__gt=0)
    result_on = Q(finished_at__date__gte=span["gte"], finished_at__date__lte=span["lte"]) | Q(
        finished_at__isnull=True, returned_at__date__gte=span["gte"],
        returned_at__date__lte=span["lte"])
    rated = Q(rating__isnull=False, rated_at__date__gte=span["gte"],
              rated_at__date__lte=span["lte"])
    rows = Dossier.objects.values("agency_id").annotate(
        received=Count("pk", filter=received),
        synced=Count("pk", filter=received & Q(sync_state=SyncState.SYNCED)),
        online_eligible=Count("pk", filter=eligible),
        full_online=Count("pk", filter=eligible & Q(is_full_online=True)),
        with_fees=Count("pk", filter=fees),
        paid_online=Count("pk", filter=fees & Q(paid_online=True)),
        digitized=Count("pk", filter=received & Q(has_digitized_components=True)),
        reused=Count("pk", filter=received & Q(reused_papers=True)),
        population_db=Count("pk", filter=received & Q(used_population_db=True)),
        with_result=Count("pk", filter=result_on),
        e_result=Count("pk", filter=result_on & Q(has_electronic_result=True)),
        edata=Count("pk", filter=result_on & Q(edata_synced_at__isnull=False)),
        rated=Count("pk", filter=rated),
        satisfied=Count("pk", filter=rated & Q(rating__gte=SATISFIED_FROM)),
    )
    for row in rows:
        by_agency[row.pop("agency_id")].update(row)


def _compare(check: PeriodCheck, by_agency) -> None:
    definition = active_definition()
    aggregates = counts.read_uncached(check.period.first, check.until, None, by_agency=True)
    total = counts.read_uncached(check.period.first, check.until, None, False)[counts.PROVINCE]
    check.aggregate_judged, check.aggregate_on_time = total.judged, total.on_time
    check.judged = sum(c["judged"] for c in by_agency.values())
    check.on_time = sum(c["on_time"] for c in by_agency.values())
    if (check.judged, check.on_time) != (total.judged, total.on_time):
        check.mismatches.append(f"tỉnh: đúng hạn {total.on_time}/{total.judged} (tổng hợp) ≠ "
                                f"{check.on_time}/{check.judged} (tính lại)")
    for agency_id in sorted(set(by_agency) | {k for k in aggregates if k is not None}):
        raw, agg = by_agency.get(agency_id, {}), aggregates[agency_id]
        expected = {"judged": raw.get("judged", 0), "on_time": raw.get("on_time", 0),
                    **{k: raw.get(k, 0) for k in CHECKED}}
        got = {"judged": agg.judged, "on_time": agg.on_time,
               **{k: getattr(agg, k) for k in CHECKED}}
        for key, value in expected.items():
            if got[key] != value:
                check.mismatches.append(f"cơ quan {agency_id}: {key} = {got[key]} (tổng hợp) "
                                        f"≠ {value} (tính lại)")
        recomputed = counts.Counters()
        recomputed.values.update({**agg.values, **{k: raw.get(k, 0) for k in CHECKED}})
        if _points(definition, agg) != _points(definition, _Raw(recomputed, expected)):
            check.mismatches.append(f"cơ quan {agency_id}: điểm thành phần khác nhau")


class _Raw(counts.Counters):
    """Recomputed counts, with timeliness taken from classify's tallies."""

    def __init__(self, base: counts.Counters, expected: dict):
        super().__init__(base.values)
        self._judged, self._on_time = expected["judged"], expected["on_time"]

    @property
    def judged(self) -> int:
        return self._judged

    @property
    def on_time(self) -> int:
        return self._on_time


def _points(definition, c) -> list:
    result = score(definition, counts.ratios(c, definition))
    return [(comp.code, comp.points) for g in result.groups for comp in g.components]


def rollup_mismatches() -> list[str]:
    """MonthlyFact must be DailyFact summed by month (whole months are read from it)."""
    sums = {c: Sum(c) for c in COUNTERS}
    daily = {(r.pop("agency_id"), _first_of_month(r.pop("month"))): r for r in
             DailyFact.objects.annotate(month=TruncMonth("day", output_field=DateField()))
             .values("agency_id", "month").annotate(**sums)}
    monthly = {(r.pop("agency_id"), r.pop("month")): r for r in
               MonthlyFact.objects.values("agency_id", "month", *COUNTERS)}
    out = []
    for key in sorted(set(daily) | set(monthly), key=str):
        a, b = daily.get(key, {}), monthly.get(key, {})
        for c in COUNTERS:
            if (a.get(c) or 0) != (b.get(c) or 0):
                out.append(f"cơ quan {key[0]}, tháng {key[1]:%m/%Y}: {c} theo ngày "
                           f"{a.get(c) or 0} ≠ theo tháng {b.get(c) or 0}")
    return out


def _first_of_month(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
