"""Benchmark of the real-time service index (Decision 766) at a province's volume.

Runs against the database in DATABASE_URL (PostgreSQL for meaningful numbers):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_metrics1m \\
        .venv/bin/python bench/index_bench.py --label 1m --full-refresh --verify

1. optionally seeds dossiers up to --dossiers with `tinhso seed_dossiers` (reuses what exists);
2. refreshes the aggregates: a full rebuild (--full-refresh, or when never built) and
   incremental refreshes that re-read the dossiers of the last 1,000 and 10,000 events;
3. measures index requests through the selector layer and through HTTP (Django's test client:
   URL routing, middleware, views, JSON/HTML rendering; no network hop): province × quarter,
   agency × month, commune and department rankings, the 12-month trend, the dashboard page;
4. optionally runs the recompute check (`verify_metrics`) and records its outcome;
5. writes bench/reports/index-<label>.md and .json (p50/p95, dataset size, timings).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

import tinhso.wsgi  # noqa: E402, F401 - the application as the server loads it
from tinhso.core.models import Agency  # noqa: E402
from tinhso.dossiers.models import Dossier, DossierEvent  # noqa: E402
from tinhso.metrics import periods, selectors  # noqa: E402
from tinhso.metrics.aggregation import local_today, refresh, vacuum  # noqa: E402
from tinhso.metrics.models import (  # noqa: E402
    DailyFact,
    DossierFact,
    MonthlyFact,
    PausedVerdict,
    ProcedureDayFact,
    ProcedureMonthFact,
    RefreshState,
)
from tinhso.metrics.verify import rollup_mismatches, verify  # noqa: E402

GOAL_MS = 200


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure(fn, inputs: list, repeat: int, *, cold: bool) -> dict:
    """cold: before every timed call the results are renamed as a refresh renames them (a new
    stamp), so every number is read from the aggregates again; warm: results computed since
    the last refresh are reused."""
    fn(inputs[0])  # warm-up (connections, imports)
    times = []
    for i in range(repeat):
        if cold:
            RefreshState.objects.filter(pk=1).update(stamp=uuid.uuid4().hex)
        started = time.perf_counter()
        fn(inputs[i % len(inputs)])
        times.append((time.perf_counter() - started) * 1000)
    return summary(times)


def summary(times: list[float]) -> dict:
    return {"n": len(times), "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1), "max_ms": round(max(times), 1)}


def offered_after_refresh(repeat: int) -> tuple[dict, dict, dict]:
    """What a visitor meets: after each refresh (which computes every view the period picker
    offers before it commits), the dashboard page of every offered period, once; then a date
    range of the visitor's own in each offered month (the 4th to the 18th), read cold but for
    what it shares with the offered views (its trend). Also how long the refresh's warm-up
    took."""
    client = Client()
    offered = periods.offered(local_today())
    codes = [p.code for p in offered]
    own = [{"from": m.first + timedelta(days=3), "to": m.first + timedelta(days=17)}
           for m in offered if m.kind == "month"]
    pages, own_pages, warmups = [], [], []

    def timed_warm():
        started = time.perf_counter()
        selectors.warm()
        warmups.append((time.perf_counter() - started) * 1000)

    def timed_get(query, into):
        started = time.perf_counter()
        response = client.get("/dashboard/", query)
        into.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"/dashboard/?{query}: HTTP {response.status_code}")

    while len(pages) < repeat:
        rewind(100)
        refresh(then=timed_warm)
        for code in codes:
            timed_get({"period": code}, pages)
        for query in own:
            timed_get(query, own_pages)
    return summary(pages), summary(own_pages), summary(warmups)


def rewind(events: int) -> None:
    """Re-read the dossiers of the last N events at the next refresh, as if just arrived."""
    high = DossierEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    RefreshState.objects.filter(pk=1).update(last_event_id=max(0, high - events))


def dataset() -> dict:
    with connection.cursor() as cur:
        size = None
        if connection.vendor == "postgresql":
            cur.execute("SELECT pg_database_size(current_database())")
            size = cur.fetchone()[0]
    return {
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "agencies": Agency.objects.count(),
        "first_submission": str(Dossier.objects.order_by("submitted_at")
                                .values_list("submitted_at", flat=True).first()),
        "last_submission": str(Dossier.objects.order_by("-submitted_at")
                               .values_list("submitted_at", flat=True).first()),
        "database_bytes": size,
        "aggregate_rows": {
            "dossier_facts": DossierFact.objects.count(),
            "daily_facts": DailyFact.objects.count(),
            "monthly_facts": MonthlyFact.objects.count(),
            "procedure_day_facts": ProcedureDayFact.objects.count(),
            "procedure_month_facts": ProcedureMonthFact.objects.count(),
            "paused_verdicts": PausedVerdict.objects.count(),
        },
    }


def refreshes(full: bool) -> dict:
    out = {}
    state = RefreshState.objects.filter(pk=1).first()
    if full or state is None or state.last_full_at is None:
        report = refresh(full=True)
        out["full"] = {"dossiers": report.dossiers, "seconds": round(report.seconds, 1)}
        started = time.perf_counter()
        vacuum()
        out["vacuum_analyze_after_full"] = {"dossiers": 0,
                                            "seconds": round(time.perf_counter() - started, 1)}
    for events in (100, 1_000, 10_000):
        rewind(events)
        report = refresh()
        out[f"incremental_{events}_events"] = {"dossiers": report.dossiers,
                                               "seconds": round(report.seconds, 2)}
    return out


def scenarios(repeat: int) -> dict:
    today = local_today()
    last = Dossier.objects.order_by("-submitted_at").values_list("submitted_at", flat=True)[0]
    month = periods.month(min(today, last.date()))
    months = [month]
    while len(months) < 6:
        months.append(months[-1].previous())
    quarters = [periods.quarter(month.first)]
    while len(quarters) < 4:
        quarters.append(quarters[-1].previous())
    agencies = list(Agency.objects.filter(dossiers__isnull=False).distinct()[:40])
    pairs = [(months[i % len(months)], agencies[i % len(agencies)]) for i in range(60)]
    client = Client()
    http = {
        "api_province_quarter": lambda q: client.get("/api/v1/metrics/", {"period": q.code}),
        "api_agency_month": lambda p: client.get("/api/v1/metrics/",
                                                 {"period": p[0].code, "agency": p[1].code}),
        "api_commune_ranking_month": lambda m: client.get(
            "/api/v1/metrics/ranking/", {"period": m.code, "level": "commune"}),
        "page_province_dashboard_month": lambda m: client.get("/dashboard/", {"period": m.code}),
    }
    for name, fn in http.items():  # every request must succeed before it is timed
        probe = fn(quarters[0] if "quarter" in name else pairs[0] if "agency" in name
                   else months[0])
        if probe.status_code != 200:
            raise SystemExit(f"{name}: HTTP {probe.status_code}")
    cases = {
        "selector_province_quarter": (lambda q: selectors.index_for(q), quarters),
        "selector_agency_month": (lambda p: selectors.index_for(p[0], p[1]), pairs),
        "selector_commune_ranking_month": (lambda m: selectors.ranking("commune", m), months),
        "selector_department_ranking_month": (lambda m: selectors.ranking("department", m),
                                              months),
        "selector_trend_12_months": (lambda m: selectors.trend(m), months),
        "api_province_quarter": (http["api_province_quarter"], quarters),
        "api_agency_month": (http["api_agency_month"], pairs),
        "api_commune_ranking_month": (http["api_commune_ranking_month"], months),
        "page_province_dashboard_month": (http["page_province_dashboard_month"], months),
    }
    return {f"{name} ({mode})": measure(fn, inputs, repeat, cold=mode == "cold")
            for mode in ("cold", "warm") for name, (fn, inputs) in cases.items()}


def verification(codes: list[str]) -> dict:
    started = time.perf_counter()
    checks = verify([periods.parse(c) for c in codes])
    rollups = rollup_mismatches()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "ok": all(c.ok for c in checks) and not rollups,
        "monthly_rollup_mismatches": rollups[:10],
        "periods": [{"period": c.period.code, "until": str(c.until), "ok": c.ok,
                     "on_time": c.on_time, "judged": c.judged,
                     "aggregate_on_time": c.aggregate_on_time,
                     "aggregate_judged": c.aggregate_judged,
                     "mismatches": c.mismatches[:10]} for c in checks],
    }


def write_report(label: str, result: dict) -> Path:
    out = ROOT / "bench" / "reports"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"index-{label}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    d = result["dataset"]
    lines = [
        f"# Service index benchmark ({label})", "",
        f"Measured {result['measured_at']} on {result['machine']} against {result['database']}"
        f" by `bench/index_bench.py`; load average {result.get('load_before', '?')} before.",
        "",
        "## Dataset", "",
        f"- dossiers: {d['dossiers']:,}; events: {d['events']:,}; agencies: {d['agencies']}",
        f"- submissions from {d['first_submission'][:10]} to {d['last_submission'][:10]}",
        f"- database size: {(d['database_bytes'] or 0) / 2**30:.2f} GiB",
        "- aggregate rows: " + ", ".join(f"{k} {v:,}" for k, v in d["aggregate_rows"].items()),
        "", "## Refresh of the aggregates", "",
        "| refresh | dossiers re-read | seconds |", "|---|---:|---:|",
    ]
    for name, r in result["refresh"].items():
        lines.append(f"| {name} | {r['dossiers']:,} | {r['seconds']} |")
    w = result["warm_up"]
    lines += ["", f"Inside each refresh, computing every view the period picker offers took "
              f"p50 {w['p50_ms']} ms, max {w['max_ms']} ms ({w['n']} refreshes)."]
    lines += ["", f"## Requests ({result['repeat']} timed runs each, goal p95 < {GOAL_MS} ms)",
              "", "cold: before every call the results are renamed as a refresh renames them, so "
              "every number is read from the aggregate tables again (the first reader after a "
              "refresh; the catalogue's counts, kept until the catalogue changes, stay); warm: "
              "results computed since the last refresh are reused from the cache every server "
              "process shares (they cannot change before the next refresh). After a refresh: "
              "the refresh computes every view the dashboard's period picker offers (12 "
              "months, 4 quarters, 2 years) before it commits, then each is requested once: "
              "what a visitor meets; then a date range of the visitor's own in each offered "
              "month, whose rankings are read cold and whose trend is that month's.", "",
              "| scenario | p50 ms | p95 ms | max ms | goal |", "|---|---:|---:|---:|---|"]
    for name, r in result["requests"].items():
        goal = "met" if r["p95_ms"] < GOAL_MS else "NOT met"
        lines.append(f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {goal} |")
    if "verify" in result:
        v = result["verify"]
        lines += ["", "## Recompute check (verify_metrics)", "",
                  f"Outcome: {'all periods agree' if v['ok'] else 'MISMATCH'} "
                  f"({v['seconds']} s); monthly rollup equals the daily counters: "
                  f"{'yes' if not v['monthly_rollup_mismatches'] else 'NO'}.", "",
                  "| period | data until | on time / judged (raw, classify) | aggregates | ok |",
                  "|---|---|---:|---:|---|"]
        for p in v["periods"]:
            lines.append(f"| {p['period']} | {p['until']} | {p['on_time']:,} / {p['judged']:,} "
                         f"| {p['aggregate_on_time']:,} / {p['aggregate_judged']:,} | "
                         f"{'yes' if p['ok'] else 'NO'} |")
    path = out / f"index-{label}.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--label", required=True, help="report name: index-<label>.md/json")
    parser.add_argument("--dossiers", type=int, default=0,
                        help="seed with `tinhso seed_dossiers` up to this many (0: reuse)")
    parser.add_argument("--full-refresh", action="store_true")
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--verify", action="append", default=[], metavar="PERIOD",
                        help="periods for the recompute check (repeatable)")
    args = parser.parse_args()
    missing = args.dossiers - Dossier.objects.count()
    if missing > 0:
        call_command("seed_dossiers", count=missing, batch_size=10_000)
    result = {
        "label": args.label,
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "database": f"{connection.vendor} {connection.settings_dict['NAME']}",
        "repeat": args.repeat,
        "load_before": round(os.getloadavg()[0], 2),
    }
    result["refresh"] = refreshes(args.full_refresh)
    result["dataset"] = dataset()
    result["requests"] = scenarios(args.repeat)
    page, own, result["warm_up"] = offered_after_refresh(args.repeat)
    result["requests"]["page_province_dashboard_each_offered_period (after a refresh)"] = page
    result["requests"]["page_province_dashboard_own_date_range (after a refresh)"] = own
    if args.verify:
        result["verify"] = verification(args.verify)
    print(write_report(args.label, result).read_text())


if __name__ == "__main__":
    main()
