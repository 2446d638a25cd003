"""Benchmark of `tinhso verify_exchange_log` at the issue's size: 1,000,000 records.

Fills a fresh message log through the gateway's own writer (`exchange.log.LogWriter`: records
linked, hashed and committed with their signed batch, the anchor file written), in batches the
size the gateway's group commit makes under load, then times the command as an operator runs
it, twice (the second run reads a warm cache), and once more after one record in the middle
has been altered behind the writer's back, which must be named.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_logverify \\
        .venv/bin/python bench/exchange_log_verify.py --records 1000000

The database is created if missing and emptied of log records first. Writes
bench/reports/exchange-log-verify.md and .json. Goal: 1,000,000 records in <= 60 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")
WORK = Path(tempfile.mkdtemp(prefix="tinhso-logverify-"))
os.environ["TINHSO_EXCHANGE_ANCHOR_PATH"] = str(WORK / "exchange-anchor.jsonl")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tinhso.exchange import log  # noqa: E402

GOAL_SECONDS = 60.0
CLIENTS = ["GOV/000.00.00.H41/MOTCUA", "GOV/000.00.00.H41/QLVB", "GOV/000.00.00.H41/CSDLDC"]
SERVICES = ["DVCQG/DongBoHoSoMC/v1", "CSDLQGDC/TraCuuCongDan/v1", "KHODLCN/LuuTru/v1"]


def records(count: int, start: datetime):
    """Exchanges as the gateway logs them: mostly answered, some refused."""
    for i in range(count):
        at = start + timedelta(milliseconds=i)
        ok = i % 50
        body = f"{i}".encode()
        yield {"exchange_id": uuid.uuid4().hex, "jti": uuid.uuid4().hex,
               "client": CLIENTS[i % 3], "service": SERVICES[i % 3], "method": "POST",
               "path": f"/r1/{SERVICES[i % 3]}", "started_at": at,
               "ended_at": at + timedelta(milliseconds=3),
               "status": 200 if ok else 403, "outcome": "ok" if ok else "access_denied",
               "reason": "" if ok else "Hệ thống chưa được cấp quyền dùng dịch vụ này.",
               "request_digest": hashlib.sha256(body).hexdigest(), "request_bytes": len(body),
               "response_digest": log.EMPTY_DIGEST, "response_bytes": 0}


def fill(count: int, batch: int) -> float:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE exchange_messagerecord, exchange_logbatch")
    writer = log.LogWriter()
    began = time.perf_counter()
    pending = []
    for values in records(count, datetime(2026, 12, 1, tzinfo=UTC)):
        pending.append(values)
        if len(pending) == batch:
            writer.write(pending)
            pending = []
    if pending:
        writer.write(pending)
    writer.close()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE exchange_messagerecord" if connection.vendor == "postgresql"
                       else "ANALYZE")
    return time.perf_counter() - began


def verify() -> dict:
    began = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "tinhso", "verify_exchange_log"],
                         capture_output=True, text=True, env=os.environ)
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 1), "exit": run.returncode,
            "output": (run.stdout.strip() or run.stderr.strip().splitlines()[-1])[-300:]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--out", default=str(ROOT / "bench" / "reports"))
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    load_before = os.getloadavg()[0]
    fill_s = fill(args.records, args.batch)
    intact = [verify(), verify()]
    middle = args.records // 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exchange_messagerecord SET status = 500 WHERE seq = %s", [middle])
    altered = verify()
    load_after = os.getloadavg()[0]
    result = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "records": args.records,
              "batch": args.batch, "database": connection.vendor, "cpus": os.cpu_count(),
              "python": platform.python_version(), "fill_seconds": round(fill_s, 1),
              "verify_intact": intact, "altered_seq": middle, "verify_altered": altered,
              "load": [round(load_before, 2), round(load_after, 2)]}
    out = Path(args.out)
    (out / "exchange-log-verify.json").write_text(json.dumps(result, ensure_ascii=False,
                                                             indent=1) + "\n")
    best = min(r["seconds"] for r in intact)
    verdict = ("đạt" if best <= GOAL_SECONDS and all(r["exit"] == 0 for r in intact)
               else "CHƯA ĐẠT") if args.records >= 1_000_000 else "not judged below 1,000,000"
    named = altered["exit"] != 0 and f"#{middle}" in altered["output"]
    lines = [
        f"# LGSP message log: `tinhso verify_exchange_log` at {args.records:,} records",
        "",
        f"{result['at']} · {result['cpus']} CPUs · {connection.vendor} · Python "
        f"{result['python']} · load average {result['load'][0]} before, {result['load'][1]} "
        "after (a shared machine) · `bench/exchange_log_verify.py`.",
        "",
        f"The log: {args.records:,} records written through the gateway's writer in signed "
        f"batches of {args.batch} ({len(range(0, args.records, args.batch)):,} batches, each "
        f"with its line in the anchor file), in {result['fill_seconds']} s.",
        "",
        "| run | seconds | exit | output | goal |",
        "|---|---:|---:|---|---|",
        *(f"| intact, run {n} | {r['seconds']} | {r['exit']} | {r['output']} | "
          f"≤ {GOAL_SECONDS:.0f} s |" for n, r in enumerate(intact, 1)),
        f"| record #{middle} altered | {altered['seconds']} | {altered['exit']} | "
        f"{altered['output']} | names #{middle} |",
        "",
        f"Goal (1,000,000 records in ≤ 60 s): {verdict}, best of the two intact runs {best} s. "
        f"The altered record named: {'yes' if named else 'NO'}.",
        "",
    ]
    (out / "exchange-log-verify.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
