"""Benchmark of the citizens' portal catalogue pages at 2,000+ procedures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_bench_portal \\
        .venv/bin/python bench/portal_bench.py --procedures 2000

1. loads the demo province and its catalogue (the national database's real procedures,
   timed), then grows the catalogue to at least --procedures by importing variants of it
   through the real importer (new codes, the name with a suffix, the same cases, components,
   times, fees, agencies and processes); then exports the whole catalogue, empties it and
   times importing that file through `tinhso import_catalog` (the import goal: 2,000 real
   procedures in 10 s or less);
2. requests through Django's test client (URL routing, middleware, view, template; no network
   hop) the home page, searches typed without diacritics (common and rare words, a phrase, a
   phrase with sector and level filters, page 3 of a broad search) and procedure pages;
3. writes bench/reports/portal-<n>.md and .json: p50/p95/max per request kind, SQL queries per
   request, and the dataset size.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from tinhso.catalog.models import Procedure  # noqa: E402

REPORTS = ROOT / "bench" / "reports"
SUFFIXES = ("(liên thông)", "(cấp lại)", "(điều chỉnh)", "(gia hạn)", "(có yếu tố nước ngoài)",
            "(trực tuyến)", "(thí điểm)")


def grow_catalogue(target: int) -> int:
    """Import variants of the published catalogue until it holds `target` procedures."""
    have = Procedure.objects.count()
    if have >= target:
        return have
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "catalogue.json"
        call_command("export_catalog", str(source), verbosity=0)
        base = json.loads(source.read_text())
        codes = set(Procedure.objects.values_list("code", flat=True))
        serial = 900000
        for suffix in SUFFIXES:
            if have >= target:
                break
            batch = dict(base, procedures=[])
            for proc in base["procedures"]:
                while f"2.{serial:06d}" in codes:
                    serial -= 1
                code = f"2.{serial:06d}"
                codes.add(code)
                batch["procedures"].append(dict(proc, code=code,
                                                name=f"{proc['name']} {suffix}"))
            variant = Path(tmp) / f"variant-{serial}.json"
            variant.write_text(json.dumps(batch, ensure_ascii=False))
            call_command("import_catalog", str(variant), verbosity=0)
            have = Procedure.objects.count()
    return have


def reimport_everything() -> float:
    """Seconds to import the whole catalogue, exported, into an empty catalogue."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "catalogue.json"
        call_command("export_catalog", str(source), verbosity=0)
        Procedure.objects.all().delete()
        started = time.perf_counter()
        call_command("import_catalog", str(source), "--report", str(Path(tmp) / "r.txt"),
                     verbosity=0)
        return time.perf_counter() - started


def measure(client: Client, url: str, rounds: int) -> dict:
    client.get(url)  # warm: templates compiled, connection open
    times, queries = [], 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(captured)
    times.sort()
    return {"url": url, "rounds": rounds, "queries": queries,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
            "max_ms": round(times[-1], 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo_province", verbosity=0)
    started = time.perf_counter()
    call_command("load_demo_catalog", verbosity=0)
    demo_s = time.perf_counter() - started
    real = Procedure.objects.count()
    started = time.perf_counter()
    size = grow_catalogue(args.procedures)
    grew_s = time.perf_counter() - started
    import_s = reimport_everything()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # the planner must know the grown tables
            cursor.execute("ANALYZE")

    sample = Procedure.objects.filter(current_version__online_level="full").order_by("code")
    sample = list(sample.values_list("code", flat=True)[:1]) + list(
        Procedure.objects.order_by("-code").values_list("code", flat=True)[:1])
    cases = {
        "home": "/",
        "search, common word (dang ky)": "/procedures/?q=dang+ky",
        "search, phrase (cap giay phep xay dung)": "/procedures/?q=cap+giay+phep+xay+dung",
        "search, rare word (khai tu)": "/procedures/?q=khai+tu",
        "search, words of a case's name (cho o hop phap)": "/procedures/?q=cho+o+hop+phap",
        "search, phrase + level": "/procedures/?q=dang+ky&level=commune",
        "search, online only, page 3": "/procedures/?online=on&page=3",
        "procedure page (first)": f"/procedures/{sample[0]}/",
        "procedure page (imported variant)": f"/procedures/{sample[-1]}/",
    }
    client = Client()
    results = {name: measure(client, url, args.rounds) for name, url in cases.items()}

    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": connection.vendor, "procedures": size, "real_procedures": real,
        "demo_catalogue_loaded_in_s": round(demo_s, 1),
        "catalogue_grown_in_s": round(grew_s, 1),
        "whole_catalogue_imported_in_s": round(import_s, 1),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "results": results,
    }
    REPORTS.mkdir(parents=True, exist_ok=True)
    stem = REPORTS / f"portal-{size}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    lines = [
        f"# Portal catalogue pages at {size:,} procedures", "",
        f"{report['generated_at']} · {connection.vendor} · {os.cpu_count()} CPUs · "
        f"{args.rounds} requests each through Django's test client (routing, middleware, "
        "view, template; no network hop), one after another.", "",
        f"- Demo catalogue: {real:,} real procedures of the national database, loaded "
        f"(mapped to the demo province's agencies, imported) in {demo_s:.1f} s.",
        f"- Grown to {size:,} by importing variants in {grew_s:.1f} s.",
        f"- The whole catalogue ({size:,} procedures) exported, emptied and imported again "
        f"with `tinhso import_catalog` in **{import_s:.1f} s**.", "",
        "| Request | SQL queries | p50 ms | p95 ms | max ms |", "|---|---:|---:|---:|---:|",
    ]
    lines += [f"| {name} (`{r['url']}`) | {r['queries']} | {r['p50_ms']} | {r['p95_ms']} | "
              f"{r['max_ms']} |" for name, r in results.items()]
    stem.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
