"""Counts for a period and a set of agencies, read from the aggregates (never from dossiers).

A period [first, until] reads: day counters summed over its days; the dossiers still open at
its end from running sums of `open_delta`/`late_delta` up to `until`; the dossiers waiting
for a supplement at its end from `PausedVerdict`. Catalogue components (published procedures)
read the catalogue as it stands. Petitions (6.1, 6.2) are read from the petitions' own facts
(`closed_on_time`, `answered_at`, `due_at`, `rating`, `rated_at`, indexed per agency): a
province receives a few thousand a year, not millions, so they need no aggregate table.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum, Value

from tinhso.catalog.models import Fee, OnlineLevel, ProcedureVersion
from tinhso.petitions.models import SATISFIED_FROM, Petition

from .models import (
    COUNTERS,
    DailyFact,
    MonthlyFact,
    PausedVerdict,
    ProcedureDayFact,
    ProcedureMonthFact,
    RefreshState,
)
from .scoring import Ratio, round2

RANGED = tuple(c for c in COUNTERS if c not in ("open_delta", "late_delta"))
CATALOGUE = ("cat_published", "cat_complete", "cat_population", "cat_fees", "cat_fees_online")
PROVINCE = None  # key of the whole-province row
RESULT_SECONDS = 86_400  # a result cannot change before the next refresh, which renames it


@dataclass
class Counters:
    values: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __getattr__(self, name: str) -> int:
        if name == "values":
            raise AttributeError(name)
        return self.values.get(name) or 0

    def get(self, name: str) -> int:
        return self.values.get(name) or 0

    @property
    def open_on_time(self) -> int:
        get = self.get
        return (get("open") - get("open_late")) + (get("paused_open") - get("paused_late"))

    @property
    def on_time(self) -> int:
        return self.get("ended_on_time") + self.open_on_time

    @property
    def judged(self) -> int:
        get = self.get
        return get("ended_on_time") + get("ended_late") + get("open") + get("paused_open")

    @property
    def late(self) -> int:
        return self.judged - self.on_time

    @property
    def timeliness_rate(self) -> Decimal | None:
        """Percent handled on time (2 places), None when nothing was judged."""
        judged = self.judged
        return round2(Decimal(100) * self.on_time / judged) if judged else None


def stamp() -> str:
    """Changes with every refresh of the aggregates: results are cached under it."""
    return RefreshState.objects.filter(pk=1).values_list("stamp", flat=True).first() or ""


def cached(kind: str, parts: tuple, compute, seconds: int = RESULT_SECONDS):
    """A result computed from the aggregates, kept until the next refresh (or `seconds`) in
    the cache every server process shares. Nothing changes between two refreshes but the
    date, and the date is in the key."""
    current = stamp()
    if not current:  # never refreshed: nothing worth keeping
        return compute()
    key = f"metrics:{kind}:" + hashlib.sha1(  # noqa: S324 - a cache key, not security
        repr((current, *parts)).encode()).hexdigest()
    results = caches["metrics"]
    value = results.get(key)
    if value is None:
        value = compute()
        results.set(key, value, seconds)
    return value


def read(first: date, until: date, agency_ids=None) -> Counters:
    """The counters of the agencies together (None: the province), kept until the next
    refresh. Every agency's own: `read_uncached(..., by_agency=True)`."""
    ids = None if agency_ids is None else tuple(sorted(agency_ids))
    return cached("counts", (first, until, ids),
                  lambda: read_uncached(first, until, agency_ids, False)[PROVINCE])


def read_uncached(first: date, until: date, agency_ids, by_agency) -> dict:
    out: dict = defaultdict(Counters)
    _daily(out, first, until, agency_ids, by_agency)
    _paused(out, until, agency_ids, by_agency)
    _procedures(out, first, until, agency_ids, by_agency)
    catalogue(out, agency_ids, by_agency)
    petitions(out, first, until, agency_ids, by_agency)
    return out


def _scoped(qs, agency_ids, field_name="agency_id"):
    return qs if agency_ids is None else qs.filter(**{f"{field_name}__in": agency_ids})


def _daily(out, first, until, agency_ids, by_agency) -> None:
    """Counters summed over the period's days, and the running deltas up to its last day
    (dossiers open then). Whole months are read from MonthlyFact, other days from DailyFact."""
    months, edges = split_months(first, until)
    last_month = until.replace(day=1)
    whole_until = _next_month(until) - timedelta(days=1) == until
    running_months = Q(month__lte=last_month) if whole_until else Q(month__lt=last_month)
    running_days = None if whole_until else (last_month, until)
    ranged_sums = {c: Sum(c) for c in RANGED}
    running_sums = {"open": Sum("open_delta"), "open_late": Sum("late_delta")}
    queries = [(MonthlyFact.objects.filter(running_months), running_sums)]
    if running_days:
        queries.append((DailyFact.objects.filter(day__gte=running_days[0],
                                                 day__lte=running_days[1]), running_sums))
    if months:
        queries.append((MonthlyFact.objects.filter(month__in=months), ranged_sums))
    if edges:
        span = Q()
        for a, b in edges:
            span |= Q(day__gte=a, day__lte=b)
        queries.append((DailyFact.objects.filter(span), ranged_sums))
    for qs, sums in queries:
        qs = _scoped(qs, agency_ids)
        rows = (qs.values("agency_id").annotate(**sums) if by_agency
                else [{"agency_id": PROVINCE, **qs.aggregate(**sums)}])
        for row in rows:
            values = out[row.pop("agency_id")].values
            for k, v in row.items():
                values[k] += v or 0


def _paused(out, until, agency_ids, by_agency) -> None:
    qs = _scoped(PausedVerdict.objects.filter(day=until), agency_ids)
    agg = {"paused_open": Count("id"), "paused_late": Count("id", filter=Q(late=True))}
    rows = (qs.values("agency_id").annotate(**agg) if by_agency
            else [{"agency_id": PROVINCE, **qs.aggregate(**agg)}])
    for row in rows:
        key = row.pop("agency_id")
        out[key].values.update(row)


def _procedures(out, first, until, agency_ids, by_agency) -> None:
    """Distinct procedures with at least one online payment in the period (4.1, B).

    Whole months inside the period are read from the monthly table, the days at its edges
    from the daily one."""
    months, edges = split_months(first, until)
    pairs: set[tuple[int, int]] = set()
    if months:
        qs = _scoped(ProcedureMonthFact.objects.filter(month__in=months, paid_online__gt=0),
                     agency_ids)
        pairs.update(qs.values_list("agency_id", "procedure_id").distinct())
    if edges:
        span = Q()
        for a, b in edges:
            span |= Q(day__gte=a, day__lte=b)
        qs = _scoped(ProcedureDayFact.objects.filter(span, paid_online__gt=0), agency_ids)
        pairs.update(qs.values_list("agency_id", "procedure_id").distinct())
    if by_agency:
        for agency_id, _procedure in pairs:
            out[agency_id].values["proc_paid_online"] += 1
    else:
        out[PROVINCE].values["proc_paid_online"] = len({p for _a, p in pairs})


def split_months(first: date, until: date) -> tuple[list[date], list[tuple[date, date]]]:
    """Whole months inside [first, until] and the day ranges left at its edges."""
    months, edges = [], []
    start = first if first.day == 1 else _next_month(first)
    if start > until:
        return [], [(first, until)]
    if first < start:
        edges.append((first, start - timedelta(days=1)))
    month = start
    while _next_month(month) - timedelta(days=1) <= until:
        months.append(month)
        month = _next_month(month)
    if month <= until:
        edges.append((month, until))
    return months, edges


def petition_bounds(first: date, until: date) -> tuple[datetime, datetime]:
    """[start, end) of a period's local days as instants."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (datetime.combine(first, time.min, zone),
            datetime.combine(until + timedelta(days=1), time.min, zone))


def petition_filters(first: date, until: date) -> dict[str, Q]:
    """Which petitions count in a period, per counter (the drill-down lists the same ones).

    - pk_handled: answered or refused during the period; pk_on_time: of these, by their
      deadline (services.closed_on_time);
    - pk_open_late: still open at the period's end and past the resolution deadline then,
      unless the clock was paused (waiting for the petitioner) at that moment;
    - pk_rated: answers rated during the period; pk_satisfied: rated 4 or 5.
    """
    start, end = petition_bounds(first, until)
    S = Petition.Status
    closed = Q(status__in=(S.ANSWERED, S.REFUSED), answered_at__gte=start, answered_at__lt=end)
    open_at_end = (Q(submitted_at__lt=end)
                   & (Q(answered_at__isnull=True) | Q(answered_at__gte=end))
                   & ~Q(paused_since__lt=end))
    rated = Q(rating__isnull=False, rated_at__gte=start, rated_at__lt=end)
    return {"pk_handled": closed,
            "pk_on_time": closed & Q(closed_on_time=True),
            "pk_open_late": open_at_end & Q(due_at__lt=end),
            "pk_rated": rated,
            "pk_satisfied": rated & Q(rating__gte=SATISFIED_FROM)}


PETITION_COUNTERS = ("pk_handled", "pk_on_time", "pk_open_late", "pk_rated", "pk_satisfied")


def petitions(out, first, until, agency_ids, by_agency) -> None:
    """Counters of petitions for the period: one statement (by agency: grouped)."""
    qs = _scoped(Petition.objects.all(), agency_ids)
    agg = {name: Count("id", filter=q) for name, q in petition_filters(first, until).items()}
    rows = (qs.order_by().values("agency_id").annotate(**agg) if by_agency
            else [{"agency_id": PROVINCE, **qs.aggregate(**agg)}])
    for row in rows:
        key = row.pop("agency_id")
        values = out[key].values
        for k, v in row.items():
            values[k] += v or 0


_FIRST, _UNTIL = date(1900, 1, 1), date(1900, 1, 2)  # stand-ins for a period's bounds


def petitions_per_period(spans: list[tuple[date, date]], agency_ids) -> list[dict[str, int]]:
    """The petitions' counters of several periods [first, until], in one statement.

    The counting statement is compiled once, with stand-in bounds, and run for every period
    with its own: compiling the filtered counts of a year's twelve months costs Django about
    20 ms, running them 3 ms."""
    if not spans:
        return []
    agg = {name: Count("id", filter=q) for name, q in petition_filters(_FIRST, _UNTIL).items()}
    qs = _scoped(Petition.objects.order_by(), agency_ids).values(one=Value(1)).annotate(**agg)
    sql, params = qs.query.sql_with_params()
    as_param = connection.ops.adapt_datetimefield_value  # as the compiler wrote them
    stand_ins = [as_param(b) for b in petition_bounds(_FIRST, _UNTIL)]
    statements, values = [], []
    for i, span in enumerate(spans):
        bounds = dict(zip(stand_ins, map(as_param, petition_bounds(*span)), strict=True))
        statements.append(f"SELECT {i:d} AS i, s.* FROM ({sql}) s")  # noqa: S608 - the ORM's SQL
        values += [bounds.get(p, p) for p in params]
    found = [dict.fromkeys(PETITION_COUNTERS, 0) for _ in spans]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(statements), values)
        names = [c[0] for c in cursor.description]
        for row in cursor.fetchall():
            counted = dict(zip(names, row, strict=True))
            found[counted["i"]].update({k: counted[k] or 0 for k in PETITION_COUNTERS})
    return found


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def catalogue(out, agency_ids, by_agency) -> None:
    """Published procedures the agencies carry out. Kept until the catalogue changes, not
    until the next refresh: a published version never changes, so the published versions'
    number and latest publication name the catalogue's state."""
    ids = None if agency_ids is None else tuple(sorted(agency_ids))
    state = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).aggregate(
        n=Count("pk"), last=Max("published_at"))
    key = "metrics:catalogue:" + hashlib.sha1(  # noqa: S324 - a cache key, not security
        repr((state["n"], state["last"], ids, by_agency)).encode()).hexdigest()
    results = caches["metrics"]
    rows = results.get(key)
    if rows is None:
        rows = _catalogue_rows(agency_ids, by_agency)
        results.set(key, rows, RESULT_SECONDS)
    for agency_id, values in rows:
        out[agency_id].values.update(values)


def _catalogue_rows(agency_ids, by_agency) -> list:
    has_fees = Exists(Fee.objects.filter(version=OuterRef("pk")))
    versions = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    versions = versions.annotate(has_fees=has_fees)
    online = ~Q(online_level=OnlineLevel.NONE)
    agg = {
        "cat_published": Count("procedure", distinct=True),
        "cat_complete": Count("procedure", distinct=True, filter=Q(content_complete=True)),
        "cat_population": Count("procedure", distinct=True,
                                filter=Q(uses_population_data=True)),
        "cat_fees": Count("procedure", distinct=True, filter=Q(has_fees=True)),
        "cat_fees_online": Count("procedure", distinct=True, filter=Q(has_fees=True) & online),
    }
    if agency_ids is not None:
        versions = versions.filter(agencies__in=agency_ids)
    if by_agency:
        return [(row.pop("agencies"), row) for row in versions.values("agencies").annotate(**agg)]
    return [(PROVINCE, versions.aggregate(**agg))]


# --- From counts to the ratios each component is scored from. A component of the definition
# not listed here has no facts in tinhso yet: "no data", shown apart, never invented.

def _r(num: str, den: str):
    return lambda c: (Ratio(c.get(num), c.get(den)),)


RATIOS = {
    "1.3": _r("cat_complete", "cat_published"),
    "1.4": _r("synced", "received"),
    "2.1": lambda c: (Ratio(c.on_time, c.judged),),
    "3.1": _r("full_online", "online_eligible"),
    "4.1": lambda c: (Ratio(c.get("paid_online"), c.get("with_fees")),
                      Ratio(c.get("proc_paid_online"), c.get("cat_fees")),
                      Ratio(c.get("cat_fees_online"), c.get("cat_fees"))),
    "5.1": _r("e_result", "with_result"),
    "5.2": _r("digitized", "received"),
    "5.4": _r("reused", "received"),
    "5.5": _r("edata", "with_result"),
    "5.6": _r("population_db", "received"),
    "5.7": _r("cat_population", "cat_published"),
    "6.1": lambda c: (Ratio(c.get("pk_on_time"), c.get("pk_handled") + c.get("pk_open_late")),),
    "6.2": _r("pk_satisfied", "pk_rated"),
    "6.3": _r("satisfied", "rated"),
}
PETITION_COMPONENTS = ("6.1", "6.2")  # drill down to petitions, not dossiers

# Components whose dossiers can be listed: (day column, denominator flag, numerator flag).
# The list shows the dossiers that count against the agency (denominator but not numerator).
DRILLDOWN = {
    "1.4": ("recv_day", "received", "synced"),
    "3.1": ("recv_day", "online_eligible", "full_online"),
    "4.1": ("recv_day", "with_fees", "paid_online"),
    "5.1": ("result_day", "with_result", "e_result"),
    "5.2": ("recv_day", "received", "digitized"),
    "5.4": ("recv_day", "received", "reused"),
    "5.5": ("result_day", "with_result", "edata"),
    "5.6": ("recv_day", "received", "population_db"),
    "6.3": ("rated_day", "rated", "satisfied"),
}
TIMELINESS = "2.1"


def ratios(counters: Counters, definition: dict) -> dict:
    """Ratios of the components the definition has; scoring ignores the others."""
    return {code: fn(counters) for code, fn in RATIOS.items()}


def distinct_procedures(first: date, until: date, agency_ids=None) -> int:
    out: dict = defaultdict(Counters)
    _procedures(out, first, until, agency_ids, by_agency=False)
    return out[PROVINCE].proc_paid_online
