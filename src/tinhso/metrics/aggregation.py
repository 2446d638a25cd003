"""Keep the index aggregates in step with the one-stop facts, set-based.

`refresh()` reads the dossiers touched by events since the last run, takes their old
contribution out of the daily counters, rebuilds their `DossierFact` rows from the dossiers
and adds the new contribution back, all in one transaction under a row lock. Re-reading a
dossier is harmless (its old contribution is taken out first), which is what makes the
watermark safe: PostgreSQL ids of concurrently committing transactions can become visible
out of order, so every run also re-reads the dossiers of recent events (by event time: since
the previous run less `LONGEST_CHANGE`, at most `SAFETY_WINDOW`), not only those above the
last id seen.

Timeliness follows `dossiers.timeliness.classify` exactly: see DossierFact for how a
dossier's verdict for any period becomes day intervals. Two things need the work calendar
and are computed with the dossiers app's own code, for the few rows that need them: the
statutory due instant of dossiers without one (refused at intake), and the verdict of the
dossiers waiting for a supplement now (`PausedVerdict`, judged by classify itself).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    SmallIntegerField,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate, TruncMonth
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    IsNull,
    LessThan,
    LessThanOrEqual,
)
from django.utils import timezone

from tinhso.catalog.models import OnlineLevel
from tinhso.core.calendar import get_calendar
from tinhso.dossiers.models import Dossier, DossierEvent, Status, SyncState
from tinhso.dossiers.timeliness import Timeliness, classify, statutory_due

from .models import COUNTERS, ChangedDossier, DossierFact, PausedVerdict, RefreshState

logger = logging.getLogger(__name__)
SAFETY_WINDOW = timedelta(minutes=10)
# The longest a dossier change's transaction lasts between taking its event's time and
# committing (gunicorn stops a request after 30 s). Events of the window that are older than
# the previous run by more than this were visible to it: not read again.
LONGEST_CHANGE = timedelta(seconds=60)
CHANGED = "metrics_changeddossier"
AGGREGATE_TABLES = ("metrics_dailyfact", "metrics_monthlyfact", "metrics_proceduredayfact",
                    "metrics_proceduremonthfact", "metrics_dossierfact", "metrics_pausedverdict")
NEVER = date(9999, 12, 31)
SATISFIED_FROM = 4  # ratings 4 and 5 of 5: "hài lòng", "rất hài lòng"
S = Status


@dataclass
class RefreshReport:
    full: bool
    dossiers: int
    seconds: float
    last_event_id: int


def tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(tz()).date()


def refresh(*, full: bool = False, now: datetime | None = None,
            then: Callable[[], None] | None = None) -> RefreshReport:
    """Bring the aggregates up to date with the events since the last run, in one
    transaction. `then` runs inside it once the new stamp is written, before it commits:
    what it computes is cached under the new stamp, so readers meet it warm the moment they
    see the new aggregates (until then they read the previous ones, warm too)."""
    started = time.perf_counter()
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RefreshState.objects.get_or_create(pk=1)
        state = RefreshState.objects.select_for_update().get(pk=1)
        full = full or state.last_full_at is None
        high = DossierEvent.objects.aggregate(m=Max("pk"))["m"] or 0
        if full:
            _clear()
            count = Dossier.objects.count()
            where = "1 = 1"
        else:
            count = _mark_changed(state.last_event_id, _window_start(state, now))
            where = f"dossier_id IN (SELECT dossier_id FROM {CHANGED})"  # noqa: S608
        if count:
            if not full:
                _apply_contributions(-1, where)
                with connection.cursor() as cur:
                    cur.execute(f"DELETE FROM metrics_dossierfact WHERE {where}")  # noqa: S608
                    cur.execute(f"DELETE FROM metrics_pausedverdict WHERE {where}")  # noqa: S608
            _insert_facts(None if full else CHANGED)
            facts = DossierFact.objects.extra(where=[where])  # noqa: S610
            _fill_statutory_due(facts)
            _apply_contributions(+1, where)
            ChangedDossier.objects.all().delete()
        _judge_paused(local_today(now))
        state.last_event_id = high
        state.last_run_at = now
        state.last_seconds = time.perf_counter() - started
        state.last_dossiers = count
        state.requested_at = None
        state.stamp = uuid.uuid4().hex
        if full:
            state.last_full_at = now
            _analyze()
        state.save()
        if then is not None:
            _then(then)
    return RefreshReport(full, count, time.perf_counter() - started, high)


def _then(then: Callable[[], None]) -> None:
    """Run it in a savepoint: a failed warm-up costs the cache, never the refresh."""
    try:
        with transaction.atomic():
            then()
    except Exception:
        logger.exception("Không tính sẵn được các trang chỉ số sau khi cập nhật")


def _clear() -> None:
    with connection.cursor() as cur:
        for table in AGGREGATE_TABLES:
            cur.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names


def _analyze() -> None:
    """Fresh planner statistics after a rebuild (the tables changed wholesale)."""
    with connection.cursor() as cur:
        for table in AGGREGATE_TABLES:
            cur.execute(f"ANALYZE {table}")


def vacuum() -> None:
    """After a rebuild on PostgreSQL: VACUUM so that running sums are index-only scans
    (outside any transaction; autovacuum would get there later)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        for table in AGGREGATE_TABLES:
            cur.execute(f"VACUUM ANALYZE {table}")


def _window_start(state: RefreshState, now: datetime) -> datetime:
    """Events from here on are read again. Under steady load a refresh runs every half
    minute; re-reading all of the last ten minutes each time made its work grow with the load
    (at 150 submissions a second, 90,000 dossiers a run)."""
    since = now - SAFETY_WINDOW
    if state.last_run_at is not None:
        since = max(since, state.last_run_at - LONGEST_CHANGE)
    return since


def _mark_changed(last_event_id: int, since: datetime) -> int:
    """Stage the dossiers of events after the watermark or within the safety window, and
    those the national portal or the e-data store acknowledged within it."""
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {CHANGED}")  # noqa: S608 - fixed table name
        cur.execute(
            f"INSERT INTO {CHANGED} (dossier_id) "  # noqa: S608 - fixed table name
            "SELECT dossier_id FROM dossiers_dossierevent WHERE id > %s UNION "
            "SELECT dossier_id FROM dossiers_dossierevent WHERE at >= %s UNION "
            # The portal's and the e-data store's acknowledgements are no events
            # (components 1.4 and 5.5 read them).
            "SELECT id FROM dossiers_dossier WHERE synced_at >= %s UNION "
            "SELECT id FROM dossiers_dossier WHERE edata_synced_at >= %s",
            [last_event_id, since, since, since])
        # A few rows, not the planner's default guess: look the facts up by key.
        cur.execute(f"ANALYZE {CHANGED}")
    return ChangedDossier.objects.count()


# --- Facts: one set-based INSERT ... SELECT built from ORM expressions (both backends).

def _day(expr):
    return TruncDate(expr, tzinfo=tz())


def _flag(q: Q):
    return Case(When(q, then=Value(1)), default=Value(0), output_field=SmallIntegerField())


def _fact_select():
    received = Q(received_at__isnull=False)
    with_result = Q(finished_at__isnull=False) | Q(returned_at__isnull=False)
    eligible = received & Q(procedure_version__online_level=OnlineLevel.FULL)
    fees = received & Q(fees_owed__gt=0)
    rated = Q(rating__isnull=False, rated_at__isnull=False)
    columns = {
        "dossier_id": F("id"),
        "agency_id": F("agency_id"),
        "procedure_id": F("procedure_id"),
        "status": F("status"),
        "sup_count": F("supplement_count"),
        "start_at": Case(When(received, then=F("received_at")),
                         When(status=S.REFUSED, then=F("submitted_at")),
                         default=None, output_field=DateTimeField()),
        "end_at": Coalesce("finished_at", "returned_at",
                           Case(When(status__in=(S.STOPPED, S.REFUSED), then=F("closed_at")),
                                default=None, output_field=DateTimeField())),
        "due_at": F("due_at"),
        "withdrawn_at": Case(When(status=S.WITHDRAWN, then=F("closed_at")), default=None,
                             output_field=DateTimeField()),
        "paused_since": F("paused_since"),
        "recv_day": _day("received_at"),
        "recv_month": TruncMonth(_day("received_at"), output_field=DateField()),
        "result_day": _day(Coalesce("finished_at", "returned_at")),
        "rated_day": Case(When(rated, then=_day("rated_at")), default=None,
                          output_field=DateField()),
        "received": _flag(received),
        "synced": _flag(received & Q(sync_state=SyncState.SYNCED)),
        "online_eligible": _flag(eligible),
        "full_online": _flag(eligible & Q(is_full_online=True)),
        "with_fees": _flag(fees),
        "paid_online": _flag(fees & Q(paid_online=True)),
        "digitized": _flag(received & Q(has_digitized_components=True)),
        "reused": _flag(received & Q(reused_papers=True)),
        "population_db": _flag(received & Q(used_population_db=True)),
        "with_result": _flag(with_result),
        "e_result": _flag(with_result & Q(has_electronic_result=True)),
        "edata": _flag(with_result & Q(edata_synced_at__isnull=False)),
        "rated": _flag(rated),
        "satisfied": _flag(rated & Q(rating__gte=SATISFIED_FROM)),
    }
    columns.update(_timeliness_columns(columns["start_at"], columns["end_at"],
                                       columns["withdrawn_at"], columns["paused_since"],
                                       F("due_at"), F("supplement_count")))
    aliased = {f"m_{name}": expr for name, expr in columns.items()}
    qs = Dossier.objects.annotate(**aliased).values(*aliased)
    return list(columns), qs


def _insert_facts(changed_table: str | None) -> None:
    """INSERT ... SELECT from the dossiers (all, or those staged in the changed table)."""
    names, qs = _fact_select()
    if changed_table:
        qs = qs.extra(where=[  # noqa: S610 - fixed table name
            f"dossiers_dossier.id IN (SELECT dossier_id FROM {changed_table})"])  # noqa: S608
    sql, select_params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO metrics_dossierfact ({', '.join(names)}) {sql}",
                    select_params)


STATUTORY_SLICE = 10_000


class _Statutory:
    """The attributes dossiers.timeliness reads to compute a due instant without due_at."""

    due_at = None

    def __init__(self, processing_time, time_unit, paused_seconds):
        self.processing_time, self.time_unit = processing_time, time_unit
        self.paused_seconds = paused_seconds


def _fill_statutory_due(facts) -> None:
    """Dossiers judged without a due date (refused at intake): start + statutory time."""
    missing = dict(facts.filter(due_at__isnull=True, start_at__isnull=False)
                   .values_list("dossier_id", "start_at"))
    if not missing:
        return
    cal = get_calendar()
    ids = list(missing)
    # In slices: a statement takes at most 65,535 parameters (PostgreSQL's bound ones,
    # SQLite's 32,766), and a full refresh of millions of dossiers has more refusals.
    for start in range(0, len(ids), STATUTORY_SLICE):
        rows = Dossier.objects.filter(pk__in=ids[start:start + STATUTORY_SLICE]).values_list(
            "pk", "processing_time", "time_unit", "paused_seconds")
        updates = []
        for pk, amount, unit, paused in rows:
            due = statutory_due(_Statutory(amount, unit, paused), missing[pk], cal)
            if due is not None:
                updates.append(DossierFact(dossier_id=pk, due_at=due))
        DossierFact.objects.bulk_update(updates, ["due_at"], batch_size=2000)
        _derive(DossierFact.objects.filter(pk__in=[u.dossier_id for u in updates]))


def _timeliness_columns(start, end, withdrawn, paused, due, sup) -> dict:
    """The timeliness columns of DossierFact from the instants classify() reads.

    One definition for both paths: the INSERT from the dossiers (expressions over dossier
    columns) and the UPDATE of facts whose due instant was filled in afterwards.
    """
    never = Value(NEVER, output_field=DateField())
    start_day = _day(start)
    until = Least(Coalesce(_day(end), never), Coalesce(_day(withdrawn), never),
                  Coalesce(_day(paused), never))
    late_day = _day(ExpressionWrapper(due + timedelta(days=1), output_field=DateTimeField()))
    started, ended, has_due = (Q(IsNull(x, False)) for x in (start, end, due))
    several = Q(GreaterThan(sup, 1))
    opens = started & (has_due | several) & Q(GreaterThan(until, start_day))
    date = {"default": None, "output_field": DateField()}
    return {
        "end_day": _day(end),
        "late_day": late_day,
        "open_until": Case(When(Exact(until, never), then=None), default=until,
                           output_field=DateField()),
        "ended_on_time": _flag(started & ended & ~several & has_due
                               & Q(LessThanOrEqual(end, due))),
        "ended_late": _flag(started & ended & (several | (has_due & Q(GreaterThan(end, due))))),
        "open_from": Case(When(opens, then=start_day), **date),
        "late_from": Case(When(opens & several, then=start_day),
                          When(opens & Q(LessThan(late_day, until)),
                               then=Greatest(start_day, late_day)), **date),
    }


def _derive(facts) -> None:
    """Recompute the timeliness columns from the stored instants (rows given a due instant)."""
    facts.update(**_timeliness_columns(F("start_at"), F("end_at"), F("withdrawn_at"),
                                       F("paused_since"), F("due_at"), F("sup_count")))


# --- Contributions of facts to the counters, added or taken back as one statement.

RECV = ("received", "synced", "online_eligible", "full_online", "with_fees", "paid_online",
        "digitized", "reused", "population_db")
ROLES = (
    ("recv_day", "", {c: c for c in RECV}),
    ("result_day", "", {"with_result": "with_result", "e_result": "e_result",
                            "edata": "edata"}),
    ("rated_day", "", {"rated": "rated", "satisfied": "satisfied"}),
    ("end_day", "", {"ended_on_time": "ended_on_time", "ended_late": "ended_late"}),
    ("open_from", "", {"open_delta": "1"}),
    ("open_until", "AND open_from IS NOT NULL",
     {"open_delta": "-1", "late_delta": "CASE WHEN late_from IS NULL THEN 0 ELSE -1 END"}),
    ("late_from", "", {"late_delta": "1"}),
)


def _month_of(column: str) -> str:
    """SQL for the first day of a date column's month (the two backends spell it apart)."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"date({column}, 'start of month')"


def _apply_contributions(sign: int, where: str) -> None:
    """Add (sign 1) or take back (-1) the facts' contributions; SQL from fixed fragments."""
    parts = []
    for day_col, extra, values in ROLES:
        cols = ", ".join(f"{values.get(c, '0')} AS {c}" for c in COUNTERS)
        parts.append(f"SELECT agency_id, {day_col} AS day, {cols} FROM metrics_dossierfact "  # noqa: S608
                     f"WHERE {day_col} IS NOT NULL {extra} AND {where}")
    union = " UNION ALL ".join(parts)
    sums = ", ".join(f"{sign} * SUM({c})" for c in COUNTERS)
    daily, monthly = (
        f"INSERT INTO metrics_{table} (agency_id, {col}, {', '.join(COUNTERS)}) "  # noqa: S608
        f"SELECT agency_id, {expr}, {sums} FROM ({union}) u WHERE 1 = 1 "
        f"GROUP BY agency_id, {expr} ON CONFLICT (agency_id, {col}) DO UPDATE SET "
        + ", ".join(f"{c} = metrics_{table}.{c} + excluded.{c}" for c in COUNTERS)
        for table, col, expr in (("dailyfact", "day", "day"),
                                 ("monthlyfact", "month", _month_of("day"))))
    procedures = [
        f"INSERT INTO {table} (agency_id, procedure_id, {col}, paid_online) "  # noqa: S608
        f"SELECT agency_id, procedure_id, {fact_col}, {sign} * COUNT(*) FROM metrics_dossierfact "
        f"WHERE paid_online = 1 AND {where} GROUP BY agency_id, procedure_id, {fact_col} "
        f"ON CONFLICT (agency_id, procedure_id, {col}) DO UPDATE SET "
        f"paid_online = {table}.paid_online + excluded.paid_online"
        for table, col, fact_col in (("metrics_proceduredayfact", "day", "recv_day"),
                                     ("metrics_proceduremonthfact", "month", "recv_month"))]
    with connection.cursor() as cur:
        cur.execute(daily)
        cur.execute(monthly)
        for sql in procedures:
            cur.execute(sql)


# --- Dossiers waiting for a supplement: judged day by day by classify itself.

PAUSED_FIELDS = ("pk", "agency_id", "status", "submitted_at", "received_at", "due_at",
                 "finished_at", "returned_at", "closed_at", "paused_since", "paused_seconds",
                 "supplement_count", "processing_time", "time_unit")


def _judge_paused(today: date) -> None:
    """Add the missing days (up to today) of every dossier paused now."""
    paused = DossierFact.objects.filter(paused_since__isnull=False, start_at__isnull=False)
    first_day = {pk: max(_local(since), _local(start)) for pk, since, start in
                 paused.values_list("dossier_id", "paused_since", "start_at")}
    if not first_day:
        return
    done = dict(PausedVerdict.objects.values("dossier_id").annotate(m=Max("day"))
                .values_list("dossier_id", "m"))
    todo = {pk: (done[pk] + timedelta(days=1) if pk in done else day)
            for pk, day in first_day.items()}
    todo = {pk: day for pk, day in todo.items() if day <= today}
    if not todo:
        return
    cal = get_calendar()
    rows = []
    dossiers = Dossier.objects.filter(pk__in=todo).only(*PAUSED_FIELDS)
    for d in dossiers.iterator(chunk_size=2000):
        day = todo[d.pk]
        while day <= today:
            verdict = classify(d, day, day, cal)
            if verdict in (Timeliness.OPEN_ON_TIME, Timeliness.OPEN_LATE):
                rows.append(PausedVerdict(dossier_id=d.pk, agency_id=d.agency_id, day=day,
                                          late=verdict == Timeliness.OPEN_LATE))
            day += timedelta(days=1)
    PausedVerdict.objects.bulk_create(rows, batch_size=5000)


def _local(instant: datetime) -> date:
    return instant.astimezone(tz()).date()
