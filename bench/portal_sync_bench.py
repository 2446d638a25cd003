"""Benchmark of the synchronisation with the national public service portal.

Runs the portal's simulator and the sender (`tinhso sync_national_portal`) as their own
processes, as `make demo` does, against the database in DATABASE_URL (PostgreSQL for
meaningful numbers) holding the demo province (`tinhso load_demo`; loaded when missing):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_syncbench \\
        .venv/bin/python bench/portal_sync_bench.py --changes 10000 --outage 600

1. the backlog the demo left (pending and failed dossiers) is drained first;
2. burst: `--changes` dossiers the portal never saw change in one commit; each one's time from
   the commit to the portal's first acknowledgement (goal: p95 within 60 s);
3. outage: the portal goes down (503) for `--outage` seconds, while as many other dossiers
   change; then it comes back, and the backlog's drain rate is measured (goal: at least 200
   dossiers a second) and every dossier is checked on the portal (nothing lost).
Each dossier also sends its events as progress entries (all of them: the portal never saw it).
Writes bench/reports/portal-sync.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tinhso.dossiers.models import Dossier, DossierEvent, SyncState  # noqa: E402

TINHSO = str(Path(sys.executable).with_name("tinhso"))
GOAL_P95_S, GOAL_DRAIN = 60.0, 200.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as r:  # noqa: S310 - our simulator
        return json.loads(r.read())


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310
        return json.loads(r.read())


def backlog() -> int:
    return Dossier.objects.exclude(sync_state=SyncState.SYNCED).count()


def wait(condition, timeout: float, step: float = 0.2) -> bool:
    end = time.time() + timeout
    while time.time() < end:
        if condition():
            return True
        time.sleep(step)
    return False


def change(codes: list[str]) -> float:
    """Make the dossiers new to the portal and owed to it, in one commit; its time."""
    Dossier.objects.filter(code__in=codes).update(
        sync_state=SyncState.PENDING, synced_at=None, synced_event_id=None, sync_attempts=0,
        sync_retry_at=None, sync_error="")
    return time.time()


def acked(base: str, codes: list[str]) -> dict[str, float]:
    acks = get(base + "/_sim/acks")
    return {c: acks[c] for c in codes if c in acks}


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--outage", type=float, default=600.0, help="seconds the portal is down")
    parser.add_argument("--out", default=str(ROOT / "bench" / "reports" / "portal-sync"))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    if Dossier.objects.count() < 2 * args.changes + 1000:
        call_command("load_demo", verbosity=0)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "TINHSO_NATIONAL_PORTAL_URL": base}
    simulator = subprocess.Popen([TINHSO, "national_portal", "--port", str(port)], env=env,  # noqa: S603
                                 stdout=subprocess.DEVNULL)
    assert wait(lambda: _up(base), 30), "the simulator did not start"
    sender = subprocess.Popen([TINHSO, "sync_national_portal", "--every", "0.5"], env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result: dict = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": connection.vendor, "machine": _machine(),
                    "dossiers": Dossier.objects.count(),
                    "events": DossierEvent.objects.count()}
    try:
        start = time.time()
        initial = backlog()
        assert wait(lambda: backlog() == 0, 1800, 1), "the initial backlog did not drain"
        result["initial_backlog"] = {"dossiers": initial,
                                     "seconds": round(time.time() - start, 1)}

        fresh = list(Dossier.objects.filter(sync_state=SyncState.SYNCED)
                     .exclude(code__in=list(get(base + "/_sim/acks")))
                     .order_by("?").values_list("code", flat=True)[:2 * args.changes])
        burst, outage = fresh[:args.changes], fresh[args.changes:]

        t0 = change(burst)
        wait(lambda: len(acked(base, burst)) == len(burst), 600, 0.5)
        acks = acked(base, burst)
        latency = [a - t0 for a in acks.values()]
        result["burst"] = {
            "changes": len(burst), "acknowledged": len(acks),
            "p50_s": round(pct(latency, 50), 2), "p95_s": round(pct(latency, 95), 2),
            "max_s": round(max(latency), 2),
            "rate_per_s": round(len(acks) / max(latency), 1),
            "goal": "đạt" if len(acks) == len(burst) and pct(latency, 95) <= GOAL_P95_S
            else "CHƯA ĐẠT"}

        post(base + "/_sim/outage", {"down": True})
        down_at = time.time()
        change(outage)
        time.sleep(max(0.0, args.outage - (time.time() - down_at)))
        still_owed = Dossier.objects.filter(code__in=outage).exclude(
            sync_state=SyncState.SYNCED).count()
        errors = Dossier.objects.filter(code__in=outage).exclude(sync_error="").count()
        post(base + "/_sim/outage", {"down": False})
        up_at = time.time()
        wait(lambda: len(acked(base, outage)) == len(outage), 900, 0.5)
        acks = acked(base, outage)
        drained = max(acks.values()) - up_at if acks else float("inf")
        wait(lambda: backlog() == 0, 120, 0.5)
        held = sum(1 for c in outage if get(f"{base}/_sim/dossiers/{c}"))
        result["outage"] = {
            "seconds_down": round(up_at - down_at, 1), "changes": len(outage),
            "owed_at_end_of_outage": still_owed, "with_reason_shown": errors,
            "acknowledged": len(acks), "held_by_portal": held,
            "drain_seconds": round(drained, 2),
            "drain_per_s": round(len(acks) / drained, 1) if drained else None,
            "backlog_after": backlog(),
            "goal": "đạt" if held == len(outage) and len(acks) / drained >= GOAL_DRAIN
            else "CHƯA ĐẠT"}
        result["portal"] = get(base + "/_sim/stats")
    finally:
        sender.terminate()
        simulator.terminate()
        sender.wait(10)
        simulator.wait(10)
    _write(Path(args.out), result)


def _up(base: str) -> bool:
    try:
        return get(base + "/healthz")["status"] == "ok"
    except OSError:
        return False


def _machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(),
            "kernel": platform.release(), "engine": settings.DATABASES["default"]["ENGINE"]}


def _write(out: Path, r: dict) -> None:
    out.with_suffix(".json").write_text(json.dumps(r, indent=1, ensure_ascii=False))
    b, o = r["burst"], r["outage"]
    lines = [
        "# Synchronisation with the national public service portal",
        "",
        f"{r['at']} · {r['database']} · {r['machine']['cpus']} CPUs · demo province, "
        f"{r['dossiers']:,} dossiers, {r['events']:,} events · simulator and sender as their "
        "own processes (`tinhso national_portal`, `tinhso sync_national_portal --every 0.5`), "
        "over HTTP on loopback, on the same host as the database.",
        "",
        f"- The demo's own backlog ({r['initial_backlog']['dossiers']:,} dossiers) drained in "
        f"{r['initial_backlog']['seconds']} s.",
        f"- **Burst:** {b['changes']:,} dossiers changed in one commit; {b['acknowledged']:,} "
        f"acknowledged. From the commit to the portal's acknowledgement: p50 {b['p50_s']} s, "
        f"**p95 {b['p95_s']} s**, max {b['max_s']} s ({b['rate_per_s']} dossiers/s). "
        f"Goal p95 ≤ 60 s: {b['goal']}.",
        f"- **Outage:** the portal down (HTTP 503) for {o['seconds_down']} s while "
        f"{o['changes']:,} dossiers changed; at its end {o['owed_at_end_of_outage']:,} were "
        f"still owed (none marked failed), {o['with_reason_shown']:,} showing the reason. "
        f"Back up: drained in {o['drain_seconds']} s, **{o['drain_per_s']} dossiers/s**; "
        f"held by the portal afterwards: {o['held_by_portal']:,} of {o['changes']:,}; "
        f"backlog left: {o['backlog_after']}. Goal ≥ 200/s and nothing lost: {o['goal']}.",
        f"- Each dossier carried all its events as progress entries (the portal had never "
        f"seen it): the portal took {r['portal']['progress']:,} entries in "
        f"{r['portal']['calls']:,} calls.",
    ]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
