"""Read the index: a scope (province or one agency) × a period, rankings, trends, drill-down.

Scores come from `counts` (aggregates) through `scoring` with the active definition, and
every result names the definition version that produced it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from tinhso.core.access import visible_agency_ids
from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.models import Agency
from tinhso.dossiers.models import Dossier
from tinhso.petitions.models import SATISFIED_FROM, Petition

from . import counts
from .aggregation import local_today
from .definitions import active_definition
from .models import (
    DailyFact,
    DossierFact,
    MonthlyFact,
    PausedVerdict,
    ProcedureMonthFact,
    RefreshState,
)
from .periods import Period, months_back, offered
from .scoring import IndexScore, score, total

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
        return self.counters.timeliness_rate


def is_built() -> bool:
    return RefreshState.objects.filter(pk=1, last_full_at__isnull=False).exists()


def index_for(period: Period, agency: Agency | None = None, *, today: date | None = None,
              definition: dict | None = None) -> IndexResult:
    until = period.until(today or local_today())
    definition = definition or active_definition()
    ids = None if agency is None else [agency.pk]
    c = counts.read(period.first, until, ids)
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
    total: Decimal
    grade_code: str
    grade_label: str
    timeliness_rate: Decimal | None
    judged: int
    previous_total: Decimal | None

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
    agencies = Agency.objects.filter(level=LEVELS[level], is_active=True).in_bulk()
    # The scored rows, plain values: kept once per refresh for every server process (a
    # ranking scores hundreds of agencies twice; reading it back costs a file and a query).
    ranked = counts.cached("ranking", (level, period.first, period.last, today,
                                       tuple(sorted(agencies)), repr(definition)),
                           lambda: _ranked(period, {pk: a.code for pk, a in agencies.items()},
                                           today, definition))
    rows = [RankRow(rank, agencies[pk], *values)
            for rank, (pk, *values) in enumerate(ranked, 1)]
    return _sorted(rows, sort)


def _ranked(period, codes: dict[int, str], today, definition) -> list[tuple]:
    """(agency id, total, grade code and label, on-time rate, judged, previous total), best
    first (ties by code)."""
    now, empty = _totals(period, today, definition)
    before, empty_before = _totals(period.previous(), today, definition)
    rows = []
    for pk in codes:
        points, grade_code, grade_label, rate, judged, _counted = now.get(pk, empty)
        earlier, *_, counted_before = before.get(pk, empty_before)
        rows.append((pk, points, grade_code, grade_label, rate, judged,
                     earlier if counted_before else None))
    rows.sort(key=lambda row: (-row[1], codes[row[0]]))
    return rows


def _totals(period, today, definition) -> tuple[dict, tuple]:
    """({agency id: (total, grade code, grade label, on-time rate, judged, counted)}, the
    same for an agency without facts); counted: it judged or received dossiers. Every
    agency's counts are read and scored once per period and kept: the page's two rankings,
    and the next period's ranking (whose "before" this is), share them."""
    until = period.until(today)
    return counts.cached("totals", (period.first, until, repr(definition)),
                         lambda: _scored(period.first, until, definition))


def _scored(first, until, definition) -> tuple[dict, tuple]:
    def summary(c: counts.Counters) -> tuple:
        return (*total(definition, counts.ratios(c, definition)), c.timeliness_rate, c.judged,
                bool(c.judged or c.received))

    by_agency = counts.read_uncached(first, until, None, True)
    return ({pk: summary(c) for pk, c in by_agency.items() if pk is not None},
            summary(counts.Counters()))


def _sorted(rows: list[RankRow], sort: str) -> list[RankRow]:
    key = sort.lstrip("-")
    if key not in SORTS:
        raise ValidationFailed(_("Không sắp xếp được theo %s.") % sort, code="invalid_sort")
    keys = {
        "rank": lambda r: r.rank,
        "name": lambda r: r.agency.name,
        "total": lambda r: r.total,
        "change": lambda r: (r.change is None, r.change or 0),
        "timeliness": lambda r: r.timeliness_rate if r.timeliness_rate is not None
        else Decimal(-1),
        "judged": lambda r: r.judged,
    }
    return sorted(rows, key=keys[key], reverse=sort.startswith("-"))


def warm(today: date | None = None) -> None:
    """Compute what the dashboard offers (the province for each period of its picker: its
    index, trend and both rankings) into the shared cache, the default view first: visitors
    read it. The refresh calls it before it commits (`aggregation.refresh`'s `then`).
    Consecutive periods share their rankings' counts, and every trend's months are counted
    at once."""
    today = today or local_today()
    definition = active_definition()
    views = offered(today)
    months = sorted({m for p in views for m in _months(p, TREND_MONTHS, today)},
                    key=lambda m: m.first)
    points = {point.period: point for point in _trend(months, None, today, definition)}
    for period in views:
        index_for(period, today=today, definition=definition)
        trend(period, today=today, definition=definition, known=points)
        for level in LEVELS:
            ranking(level, period, today=today, definition=definition)


# --- Trend by month: one query per table however many months.

@dataclass
class TrendPoint:
    period: Period
    total: Decimal
    grade_label: str
    timeliness_rate: Decimal | None
    judged: int


TREND_MONTHS = 12


def trend(period: Period, agency: Agency | None = None, *, months: int = TREND_MONTHS,
          today: date | None = None, definition: dict | None = None,
          known: dict | None = None) -> list[TrendPoint]:
    """The months up to the period's last, oldest first. known: points already counted
    for (at least) these months, by month. Kept by the months shown, not by the period: a
    quarter, a year or a visitor's own date range ending in a month shows that month's
    trend, which the refresh has computed."""
    today = today or local_today()
    definition = definition or active_definition()
    shown = _months(period, months, today)
    return counts.cached("trend", (tuple(m.first for m in shown), agency and agency.pk, today,
                                   repr(definition)),
                         lambda: [known[m] for m in shown] if known is not None
                         else _trend(shown, agency, today, definition))


def _months(period, months, today) -> list[Period]:
    return [p for p in months_back(period, months) if p.first <= today]


def _trend(periods, agency, today, definition) -> list[TrendPoint]:
    """A point for each month of `periods` (oldest first): each month is counted on its own,
    whatever else is in the list."""
    ids = None if agency is None else [agency.pk]
    ends = [p.until(today) for p in periods]
    per_month = {p.first: counts.Counters() for p in periods}
    _trend_daily(per_month, periods, ends, ids)
    _trend_paused(per_month, periods, ends, ids)
    _trend_procedures(per_month, periods, ends, ids)
    _trend_petitions(per_month, periods, ends, ids)
    catalogue: dict = defaultdict(counts.Counters)
    counts.catalogue(catalogue, ids, by_agency=False)
    catalogue = catalogue[counts.PROVINCE].values
    trend_points = []
    for p in periods:
        c = per_month[p.first]
        c.values.update({k: catalogue.get(k, 0) for k in counts.CATALOGUE})
        value, _code, label = total(definition, counts.ratios(c, definition))
        trend_points.append(TrendPoint(p, value, label, c.timeliness_rate, c.judged))
    return trend_points


def _scoped(qs, ids):
    return qs if ids is None else qs.filter(agency_id__in=ids)


def _trend_daily(per_month, periods, ends, ids) -> None:
    """Day counters and the dossiers open at each month's end. Whole months come from the
    monthly table, a month cut short by today from the daily one (as `counts.read` reads one
    period): a province's year of days is ~100 times the rows of its months."""
    ranged = {c: Sum(c) for c in counts.RANGED}
    whole = [p.first for p, end in zip(periods, ends, strict=True) if end == p.last]
    rows = _scoped(MonthlyFact.objects.filter(month__in=whole), ids).values("month")
    for row in rows.annotate(**ranged):
        per_month[row.pop("month")].values.update({k: v or 0 for k, v in row.items()})
    # Open at a month's end: the deltas of every month before it, then its own (the whole
    # month's, or its days up to the end).
    deltas = (_scoped(MonthlyFact.objects.filter(month__lte=periods[-1].first), ids)
              .values("month").annotate(o=Sum("open_delta"), l=Sum("late_delta")))
    by_month = {row["month"]: (row["o"] or 0, row["l"] or 0) for row in deltas}
    for p, end in zip(periods, ends, strict=True):
        if end == p.last:
            own = by_month.get(p.first, (0, 0))
        else:
            days = _scoped(DailyFact.objects.filter(day__gte=p.first, day__lte=end), ids)
            sums = days.aggregate(**ranged, o=Sum("open_delta"), l=Sum("late_delta"))
            own = (sums.pop("o") or 0, sums.pop("l") or 0)
            per_month[p.first].values.update({k: v or 0 for k, v in sums.items()})
        earlier = [v for month, v in by_month.items() if month < p.first]
        per_month[p.first].values["open"] = sum(v[0] for v in earlier) + own[0]
        per_month[p.first].values["open_late"] = sum(v[1] for v in earlier) + own[1]


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


def _trend_petitions(per_month, periods, ends, ids) -> None:
    """Petitions (6.1, 6.2) month by month, from the petitions' facts as for a period."""
    spans = [(p.first, end) for p, end in zip(periods, ends, strict=True)]
    for p, values in zip(periods, counts.petitions_per_period(spans, ids), strict=True):
        per_month[p.first].values.update(values)


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


PETITION_DRILLABLE = counts.PETITION_COMPONENTS


def petition_drilldown(actor, period: Period, component: str, agency: Agency | None = None, *,
                       today: date | None = None):
    """Petitions that count against the scope in 6.1 (handled late, or open and overdue at
    the period's end) or 6.2 (rated below "hài lòng"), newest first; scoped like dossiers."""
    if component not in PETITION_DRILLABLE:
        raise ValidationFailed(_("Chỉ số %s không có danh sách phản ánh, kiến nghị.")
                               % component, code="no_drilldown")
    visible = visible_agency_ids(actor)
    if agency is not None and visible is not None and agency.pk not in visible:
        raise NotFound(_("Không tìm thấy cơ quan."))
    until = period.until(today or local_today())
    f = counts.petition_filters(period.first, until)
    if component == "6.1":
        against = (f["pk_handled"] & ~Q(closed_on_time=True)) | f["pk_open_late"]
    else:
        against = f["pk_rated"] & Q(rating__lt=SATISFIED_FROM)
    qs = Petition.objects.filter(against)
    if agency is not None:
        qs = qs.filter(agency_id=agency.pk)
    elif visible is not None:
        qs = qs.filter(agency_id__in=visible)
    return qs.select_related("agency").order_by("-submitted_at", "-pk")


def component_names(definition: dict | None = None) -> dict[str, str]:
    definition = definition or active_definition()
    return {c["code"]: c["name"] for g in definition["groups"] for c in g["components"]}

