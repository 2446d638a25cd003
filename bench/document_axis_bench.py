"""Benchmark of the national document exchange axis's simulator and client: how many 1 MB
packages a second make the whole trip, straight to the simulator and through the LGSP gateway.

Runs the simulator (`tinhso document_axis`) and the gateway (`tinhso gateway`) as their own
processes, registers the axis behind the gateway with `tinhso exchange_demo` (as `make demo`
does), against the database in DATABASE_URL (PostgreSQL for the gateway's message log):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_axis_bench \\
        .venv/bin/python bench/document_axis_bench.py --packages 200 --workers 8

Each package, by one of --workers threads (each with a recipient agency of its own): sent
(POST, 1 MB of application/xml), the recipient's mailbox listed, the package downloaded and
compared, acknowledged done: four calls, 2 MB on the wire. Goal: >= 20 packages a second.
The load runs on the same machine as the servers. Writes bench/reports/document-axis.md and
.json.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shlex
import socket
import subprocess
import sys
import threading
import time
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

from tinhso.integrations.document_axis import DocumentAxisClient  # noqa: E402

TINHSO = [sys.executable, "-m", "tinhso"]
SENDER = "000.00.00.H44"
SIZE = 1024 * 1024
GOAL = 20.0  # packages a second


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc) -> None:
    import urllib.request

    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"{url}: the process ended ({proc.returncode})")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not start")


def _package(tag: str, n: int) -> bytes:
    head = (f'<?xml version="1.0" encoding="UTF-8"?><edXML><DocumentId>{SENDER},2026/12/06,'
            f'{tag}-{n}/QĐ-UBND</DocumentId><Attachment>').encode()
    tail = b"</Attachment></edXML>"
    return head + b"A" * (SIZE - len(head) - len(tail)) + tail


def _run(client: DocumentAxisClient, tag: str, packages: int, workers: int) -> dict:
    recipients = [f"000.00.00.B{tag[0].upper()}{w:02d}" for w in range(workers)]
    client.register_agency(SENDER, "UBND tỉnh (bench)")
    for r in recipients:
        client.register_agency(r, f"Cơ quan nhận {r} (bench)")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def worker(w: int):
        for n in range(w, packages, workers):
            package = _package(tag, n)
            began = time.perf_counter()
            try:
                message_id = client.send(SENDER, [recipients[w]], package)
                waiting = client.received(recipients[w], limit=10)
                assert any(m.message_id == message_id for m in waiting), "not listed"
                got = client.download(recipients[w], message_id)
                assert hashlib.sha256(got).digest() == hashlib.sha256(package).digest()
                client.acknowledge(recipients[w], message_id, done=True)
            except Exception as exc:  # counted and reported, the run goes on
                with lock:
                    errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
                continue
            with lock:
                latencies.append(time.perf_counter() - began)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - began
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 1) \
            if latencies else None

    return {"packages": packages, "workers": workers, "ok": len(latencies),
            "errors": len(errors), "error_sample": errors[:3], "seconds": round(took, 2),
            "packages_per_s": round(len(latencies) / took, 1),
            "mb_per_s_on_the_wire": round(2 * len(latencies) * SIZE / took / 1e6, 1),
            "trip_p50_ms": pct(0.5), "trip_p95_ms": pct(0.95)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--report", default=str(ROOT / "bench" / "reports" / "document-axis"))
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from tinhso.core.models import User
    from tinhso.exchange import services
    from tinhso.exchange.models import Service

    operator, _ = User.objects.get_or_create(username="bench.axis",
                                             defaults={"is_superuser": True, "is_staff": True})
    work = Path(settings.VAR_DIR) / "document-axis-bench"
    work.mkdir(parents=True, exist_ok=True)
    token = "bench-axis-key"
    env = {**os.environ, "TINHSO_EXCHANGE_ANCHOR_PATH": str(work / "anchor.jsonl"),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(work / "gateway.pem"),
           "TINHSO_GATEWAY_REFRESH_SECONDS": "1", "TINHSO_DOCUMENT_AXIS_TOKEN": token,
           "TINHSO_EXCHANGE_TSA_URL": ""}
    axis_url = f"http://127.0.0.1:{_free_port()}"
    gateway_url = f"http://127.0.0.1:{_free_port()}"
    out = io.StringIO()
    options = {"document_axis_url": axis_url, "gateway": gateway_url, "shell": True,
               "key_file": str(work / "client.pem"), "username": operator.username}
    call_command("exchange_demo", stdout=out, **options)  # --shell: print the exports
    exports = {}
    for line in out.getvalue().splitlines():
        name, _, value = line.removeprefix("export ").partition("=")
        exports[name] = shlex.split(value)[0]
        setattr(settings, name, exports[name])
    # The bench measures the axis, not the gateway's per-client rate limit (100/s by default).
    edoc = Service.objects.get(code="edoc", provider__identifier="GOV/000.00.00.G22/TRUCVBDT")
    services.update_service(operator, edoc, rate_limit=100_000, burst=100_000)
    connection.close()
    procs = [subprocess.Popen([*TINHSO, "document_axis", "--port", axis_url.rsplit(":", 1)[1],  # noqa: S603
                               "--max-bytes", str(2 * SIZE)], env=env, stdout=subprocess.DEVNULL),
             subprocess.Popen([*TINHSO, "gateway", "--port", gateway_url.rsplit(":", 1)[1]],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL)]
    try:
        _wait(axis_url, procs[0])
        _wait(gateway_url, procs[1])
        time.sleep(1.5)  # the gateway's registry refresh
        direct = DocumentAxisClient(url=axis_url, token=token)
        via = DocumentAxisClient(url=exports["TINHSO_DOCUMENT_AXIS_URL"], token=token)
        _run(direct, "warm", 8, 2)
        results = {"direct": _run(direct, "direct", args.packages, args.workers),
                   "gateway": _run(via, "gateway", args.packages, args.workers),
                   # Half the workers: does the rate through the gateway follow concurrency
                   # (each call waits for its log record's commit) or the CPU?
                   "gateway_half": _run(via, "half", args.packages, max(1, args.workers // 2))}
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    result = {"at": datetime.now(UTC).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                          "database": connection.vendor},
              "package_bytes": SIZE, "goal_packages_per_s": GOAL, **results}
    Path(args.report + ".json").write_text(json.dumps(result, indent=2, ensure_ascii=False))

    def row(name, r):
        mark = "đạt" if r["packages_per_s"] >= GOAL and not r["errors"] else "KHÔNG đạt"
        return (f"| {name} | {r['ok']}/{r['packages']} | {r['errors']} | {r['seconds']} s | "
                f"**{r['packages_per_s']}** | {r['mb_per_s_on_the_wire']} | {r['trip_p50_ms']} "
                f"/ {r['trip_p95_ms']} ms | {mark} |")

    lines = [
        "# National document exchange axis: 1 MB packages a second",
        "",
        f"Run {result['at']} on {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor} for the gateway's message log (`bench/document_axis_bench.py "
        f"--packages {args.packages} --workers {args.workers}`). The simulator (`tinhso "
        f"document_axis`) and the gateway (`tinhso gateway`) each run as their own process; "
        f"the load (the project's client, {args.workers} threads) on the same machine.",
        "",
        "One package's trip: send (POST, 1 MiB of application/xml) → list the recipient's "
        "mailbox → download (and compare) → acknowledge done; four calls, 2 MiB on the wire. "
        "Through the gateway each call also carries a fresh EdDSA assertion, is checked "
        "(access right, token bucket) and committed to the signed message log before its "
        "answer.",
        "",
        "| path | trips | errors | time | packages/s | MB/s on the wire | trip p50 / p95 | "
        f"≥ {GOAL:g}/s |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
        row("direct", results["direct"]),
        row("through the LGSP gateway", results["gateway"]),
        row(f"through the gateway, {results['gateway_half']['workers']} workers",
            results["gateway_half"]),
        "",
        "The simulator keeps packages in memory (each once, whatever its recipients; dropped "
        "when every recipient acknowledged) and writes nothing to disk: the figures are the "
        "HTTP path's, not a store's.",
    ]
    for name in ("direct", "gateway", "gateway_half"):
        if results[name]["error_sample"]:
            lines += ["", f"Errors ({name}): " + "; ".join(results[name]["error_sample"])]
    Path(args.report + ".md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
