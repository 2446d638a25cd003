"""Read the index: a scope (province or one agency) × a period, rankings, trends, drill-down.

Scores come from `counts` (aggregates) through `scoring` with the active definition, and
every result names the definition version that produced it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, DateField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from tinhso.core.access import visible_agency_ids
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.models import Agency
from tinhso.dossiers.models import Dossier

from . import counts
from .aggregation import local_today
from .definitions import active_definition
from .models import DailyFact, DossierFact, PausedVerdict, ProcedureMonthFact, RefreshState
from .periods import Period, months_back
from .scoring import IndexScore, round2, score

LEVELS = {"department": Agency.Level.PROVINCE, "commune": Agency.Level.COMMUNE}
SORTS = ("rank", "name", "total", "change", "timeliness", "judged")


@dataclass
class IndexResult:
    agency: Agency | None
    period: Period
    until: date
    score: IndexScore
    counters: counts.Counters

    @property
    def timeliness_rate(self) -> Decimal | None:
        c = self.counters
        return round2(Decimal(100) * c.on_time / c.judged) if c.judged else None


def is_built() -> bool:
    return RefreshState.objects.filter(pk=1, last_full_at__isnull=False).exists()


def index_for(period: Period, agency: Agency | None = None, *, today: date | None = None,
              definition: dict | None = None) -> IndexResult:
    until = period.until(today or local_today())
    definition = definition or active_definition()
    ids = None if agency is None else [agency.pk]
    c = counts.read(period.first, until, ids)[counts.PROVINCE]
    return IndexResult(agency, period, until, score(definition, counts.ratios(c, definition)), c)


def agency_by_code(code: str) -> Agency:
    try:
        return Agency.objects.get(code=code)
    except Agency.DoesNotExist:
        raise NotFound(_("Không tìm thấy cơ quan %s.") % code) from None


@dataclass
class RankRow:
    rank: int
    agency: Agency
    result: IndexResult
    previous_total: Decimal | None

    @property
    def total(self) -> Decimal:
        return self.result.score.total

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total


def ranking(level: str, period: Period, *, sort: str = "rank", today: date | None = None,
            definition: dict | None = None) -> list[RankRow]:
    """Every active agency of the level, best first, with the change from the last period."""
    if level not in LEVELS:
        raise ValidationFailed(_("Cấp xếp hạng phải là department hoặc commune."),
                               code="invalid_level")
    today = today or local_today()
    definition = definition or active_definition()
    agencies = {a.pk: a for a in Agency.objects.filter(level=LEVELS[level], is_active=True)}
    ids = list(agencies)
    now = _scores(period, ids, today, definition)
    before_period = period.previous()
    before = _scores(before_period, ids, today, definition)
    rows = [RankRow(0, agencies[pk], now[pk], before[pk].score.total if before[pk].counters.judged
                    or before[pk].counters.received else None) for pk in ids]
    rows.sort(key=lambda r: (-r.total, r.agency.code))
    for i, row in enumerate(rows, 1):
        row.rank = i
    return _sorted(rows, sort)


def _scores(period, ids, today, definition) -> dict:
    """Counts are cached (small to keep); scores are recomputed (dear to pickle)."""
    until = period.until(today)
    by_agency = counts.read(period.first, until, ids, by_agency=True)
    return {pk: IndexResult(None, period, until,
                            score(definition, counts.ratios(by_agency[pk], definition)),
                            by_agency[pk]) for pk in ids}


def _sorted(rows: list[RankRow], sort: str) -> list[RankRow]:
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValidationFailed(_("Không sắp xếp được theo %s.") % sort, code="invalid_sort")
    keys = {
        "rank": lambda r: r.rank,
        "name": lambda r: r.agency.name,
        "total": lambda r: r.total,
        "change": lambda r: (r.change is None, r.change or 0),
        "timeliness": lambda r: r.result.timeliness_rate or Decimal(-1),
        "judged": lambda r: r.result.counters.judged,
    }
    return sorted(rows, key=keys[key], reverse=sort.startswith("-"))


# --- Trend by month: one query per table however many months.

@dataclass
class TrendPoint:
    period: Period
    total: Decimal
    grade_label: str
    timeliness_rate: Decimal | None
    judged: int


def trend(period: Period, agency: Agency | None = None, *, months: int = 12,
          today: date | None = None, definition: dict | None = None) -> list[TrendPoint]:
    today = today or local_today()
    definition = definition or active_definition()
    return counts.cached("trend", (period.last, agency and agency.pk, months, today,
                                   repr(definition)),
                         lambda: _trend(period, agency, months, today, definition))


def _trend(period, agency, months, today, definition) -> list[TrendPoint]:
    periods = [p for p in months_back(period, months) if p.first <= today]
    ids = None if agency is None else [agency.pk]
    ends = [p.until(today) for p in periods]
    per_month = {p.first: counts.Counters() for p in periods}
    _trend_daily(per_month, periods, ends, ids)
    _trend_paused(per_month, periods, ends, ids)
    _trend_procedures(per_month, periods, ends, ids)
    catalogue: dict = defaultdict(counts.Counters)
    counts.catalogue(catalogue, ids, by_agency=False)
    catalogue = catalogue[counts.PROVINCE].values
    points = []
    for p in periods:
        c = per_month[p.first]
        c.values.update({k: catalogue.get(k, 0) for k in counts.CATALOGUE})
        s = score(definition, counts.ratios(c, definition))
        rate = round2(Decimal(100) * c.on_time / c.judged) if c.judged else None
        points.append(TrendPoint(p, s.total, s.grade_label, rate, c.judged))
    return points


def _scoped(qs, ids):
    return qs if ids is None else qs.filter(agency_id__in=ids)


def _trend_daily(per_month, periods, ends, ids) -> None:
    qs = _scoped(DailyFact.objects.filter(day__gte=periods[0].first, day__lte=ends[-1]), ids)
    rows = qs.annotate(month=TruncMonth("day", output_field=DateField())).values("month")
    for row in rows.annotate(**{c: Sum(c) for c in counts.RANGED}):
        month = row.pop("month")
        month = month if isinstance(month, date) else date.fromisoformat(str(month)[:10])
        if month in per_month:
            per_month[month].values.update({k: v or 0 for k, v in row.items()})
    running = {}
    for p, end in zip(periods, ends, strict=True):
        running[f"o_{p.first:%Y%m}"] = Sum(Case(When(day__lte=end, then=F("open_delta")),
                                                default=Value(0), output_field=IntegerField()))
        running[f"l_{p.first:%Y%m}"] = Sum(Case(When(day__lte=end, then=F("late_delta")),
                                                default=Value(0), output_field=IntegerField()))
    sums = _scoped(DailyFact.objects.filter(day__lte=ends[-1]), ids).aggregate(**running)
    for p in periods:
        per_month[p.first].values["open"] = sums[f"o_{p.first:%Y%m}"] or 0
        per_month[p.first].values["open_late"] = sums[f"l_{p.first:%Y%m}"] or 0


def _trend_paused(per_month, periods, ends, ids) -> None:
    by_day = {end: p.first for p, end in zip(periods, ends, strict=True)}
    qs = _scoped(PausedVerdict.objects.filter(day__in=ends), ids).values("day").annotate(
        n=Count("id"), late=Count("id", filter=Q(late=True)))
    for row in qs:
        c = per_month[by_day[row["day"]]]
        c.values["paused_open"], c.values["paused_late"] = row["n"], row["late"]


def _trend_procedures(per_month, periods, ends, ids) -> None:
    """Whole months from the monthly table; a month cut short by today from the daily one."""
    whole = [p.first for p, end in zip(periods, ends, strict=True) if end == p.last]
    qs = _scoped(ProcedureMonthFact.objects.filter(month__in=whole, paid_online__gt=0), ids)
    for month, _n in qs.values_list("month", "procedure_id").distinct():
        per_month[month].values["proc_paid_online"] += 1
    for p, end in zip(periods, ends, strict=True):
        if end != p.last:
            per_month[p.first].values["proc_paid_online"] = counts.distinct_procedures(
                p.first, end, ids)


# --- Drill-down: the dossiers behind a component (staff only, scoped like every list).

DRILLABLE = (counts.TIMELINESS, *counts.DRILLDOWN)


def drilldown(actor, period: Period, component: str, agency: Agency | None = None, *,
              today: date | None = None):
    """Dossiers that count against the scope in the component, newest first."""
    if component not in DRILLABLE:
        raise ValidationFailed(_("Chỉ số %s không có danh sách hồ sơ.") % component,
                               code="no_drilldown")
    visible = visible_agency_ids(actor)
    if agency is not None and visible is not None and agency.pk not in visible:
        raise NotFound(_("Không tìm thấy cơ quan."))
    until = period.until(today or local_today())
    facts = DossierFact.objects.all()
    if agency is not None:
        facts = facts.filter(agency_id=agency.pk)
    elif visible is not None:
        facts = facts.filter(agency_id__in=visible)
    if component == counts.TIMELINESS:
        ended_late = Q(end_day__gte=period.first, end_day__lte=until, ended_late=1)
        open_late = (Q(late_from__lte=until) & (Q(open_until__isnull=True)
                                                | Q(open_until__gt=until)))
        paused_late = Q(dossier_id__in=PausedVerdict.objects.filter(
            day=until, late=True).values("dossier_id"))
        facts = facts.filter(ended_late | open_late | paused_late)
    else:
        day_col, denominator, numerator = counts.DRILLDOWN[component]
        facts = facts.filter(**{f"{day_col}__gte": period.first, f"{day_col}__lte": until,
                                denominator: 1, numerator: 0})
    return (Dossier.objects.filter(pk__in=facts.values("dossier_id"))
            .select_related("procedure", "agency").order_by("-submitted_at", "-pk"))


def component_names(definition: dict | None = None) -> dict[str, str]:
    definition = definition or active_definition()
    return {c["code"]: c["name"] for g in definition["groups"] for c in g["components"]}

