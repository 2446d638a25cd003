"""Benchmark of the LGSP gateway: throughput and added latency, side by side with calling the
provider directly.

Runs the catalogue provider (`tinhso catalogue_provider`) and the gateway (`tinhso gateway`)
as their own processes, as production would, against the database in DATABASE_URL
(PostgreSQL for meaningful numbers; migrated here when needed), with authentication (a fresh
EdDSA JWT assertion per request), the access check and the signed message log all on:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_exchange_bench \\
        .venv/bin/python bench/exchange_bench.py --seconds 30

1. latency: a few clients in a closed loop (--latency-clients), first straight to the provider,
   then through the gateway; the added latency is the difference of the percentiles
   (goal: p50 <= 3 ms, p95 <= 10 ms);
2. throughput: many clients (--clients) through the gateway for --seconds (goal: >= 500
   exchanges per second with 0 errors), the provider directly for comparison;
3. `tinhso verify_exchange_log` over the whole log, timed.
With --isolation N instead: N exchanges kept in flight to a provider taking 2 s while another
service is measured alone and during, in a closed loop and at --paced-rate in an open loop,
--repeat times (goal: slowed by at most 10 %); report exchange-isolation.md and .json.
The load generator runs on the same machine (aiohttp, one process): it takes CPU from the
gateway, so the figures are a lower bound. Writes bench/reports/exchange.md and .json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tinhso.settings")

import django  # noqa: E402

django.setup()

import aiohttp  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tinhso.exchange import assertions  # noqa: E402

TINHSO = [sys.executable, "-m", "tinhso"]
CLIENT = "GOV/000.00.00.H41/BENCH"
PATH = "/r1/GOV/000.00.00.H41/DMDCBENCH/echo/v1/_sim/echo"
BODY = json.dumps({"MaHoSo": "H44.08-251205-0001", "SoDinhDanh": "025090000001",
                   "HoTen": "Nguyễn Văn An"}, ensure_ascii=False).encode()
GOALS = {"rate": 500.0, "added_p50_ms": 3.0, "added_p95_ms": 10.0}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _register_slow(slow_url: str) -> None:
    """A second service, on its own provider process, that takes 2 s to answer."""
    from tinhso.core.models import User
    from tinhso.exchange import services
    from tinhso.exchange.models import MemberSystem, Service

    operator = User.objects.get(username="bench.lgsp")
    provider = MemberSystem.objects.get(identifier="GOV/000.00.00.H41/DMDCBENCH")
    client = MemberSystem.objects.get(identifier=CLIENT)
    service = Service.objects.filter(provider=provider, code="slow", version="v1").first()
    if service is None:
        service = services.register_service(operator, provider=provider, code="slow",
                                            name="Bench slow", base_url=slow_url,
                                            timeout_ms=30_000, rate_limit=100_000,
                                            burst=100_000)
        services.grant(operator, client=client, service=service, path_prefix="/_sim")
    else:
        services.update_service(operator, service, base_url=slow_url)


def _register(provider_url: str):
    """The bench's provider, client and grant (kept between runs), with a new client key
    that replaces the last run's (a client holds one key, two while it rotates)."""
    from tinhso.core.models import User
    from tinhso.exchange import services
    from tinhso.exchange.models import ClientCredential, MemberSystem, Service

    operator, _ = User.objects.get_or_create(username="bench.lgsp",
                                             defaults={"is_superuser": True, "is_staff": True})
    provider = MemberSystem.objects.filter(identifier="GOV/000.00.00.H41/DMDCBENCH").first() \
        or services.register_system(operator, member_class="GOV", member_code="000.00.00.H41",
                                    subsystem="DMDCBENCH", name="Bench: nhà cung cấp")
    client = MemberSystem.objects.filter(identifier=CLIENT).first() or services.register_system(
        operator, member_class="GOV", member_code="000.00.00.H41", subsystem="BENCH",
        name="Bench: hệ thống khách")
    service = Service.objects.filter(provider=provider, code="echo", version="v1").first()
    if service is None:
        service = services.register_service(operator, provider=provider, code="echo",
                                            name="Bench echo", base_url=provider_url,
                                            rate_limit=100_000, burst=100_000)
        services.grant(operator, client=client, service=service, path_prefix="/_sim")
    else:
        services.update_service(operator, service, base_url=provider_url)
    for old in ClientCredential.objects.filter(system=client, revoked_at__isnull=True):
        services.revoke_credential(operator, old)
    key = ed25519.Ed25519PrivateKey.generate()
    pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                        serialization.PublicFormat.SubjectPublicKeyInfo)
    services.add_credential(operator, client, public_key_pem=pem.decode())
    return key


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


def _assertion(key) -> str:
    return "Bearer " + assertions.assertion(CLIENT, key)


async def _load(url: str, clients: int, seconds: float, key=None, delay: float = 0) -> dict:
    await asyncio.sleep(delay)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        async def worker():
            while time.perf_counter() < deadline:
                headers = {"Content-Type": "application/json"}
                if key is not None:
                    headers["Authorization"] = _assertion(key)
                start = time.perf_counter()
                try:
                    async with session.post(url, data=BODY, headers=headers) as answer:
                        await answer.read()
                        status = answer.status
                except aiohttp.ClientError as exc:
                    status = type(exc).__name__
                elapsed = time.perf_counter() - start
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[str(status)] = errors.get(str(status), 0) + 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        took = time.perf_counter() - began
    return _summary(latencies, errors, took, clients)


def _summary(latencies: list[float], errors: dict, took: float, clients: int) -> dict:
    latencies.sort()

    def pct(p):
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000, 2) \
            if latencies else None

    return {"clients": clients, "seconds": round(took, 1), "ok": len(latencies),
            "errors": errors, "rate": round(len(latencies) / took, 1),
            "p50_ms": pct(0.50), "p95_ms": pct(0.95), "p99_ms": pct(0.99)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--latency-seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--latency-clients", type=int, default=2)
    parser.add_argument("--report", default=str(ROOT / "bench" / "reports" / "exchange"))
    parser.add_argument("--repeat", type=int, default=1,
                        help="isolation: measure alone and loaded this many times, in turn")
    parser.add_argument("--isolation", type=int, default=0, metavar="N",
                        help="only the isolation test: N exchanges in flight to a provider "
                             "taking 2 s, while 2 clients call another (report "
                             "exchange-isolation)")
    parser.add_argument("--paced-rate", type=float, default=200,
                        help="isolation: also measure the other provider's clients at this "
                             "rate in an open loop (0: closed loop only)")
    args = parser.parse_args()
    if args.isolation:
        return isolation(args)

    call_command("migrate", verbosity=0)
    # The same key and anchor file on every run against this database: the log grows across
    # runs and verify checks all of it.
    work = Path(settings.VAR_DIR) / "exchange-bench"
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TINHSO_EXCHANGE_ANCHOR_PATH": str(work / "anchor.jsonl"),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(work / "gateway.pem"),
           "TINHSO_GATEWAY_REFRESH_SECONDS": "2"}
    provider_port, gateway_port = _free_port(), _free_port()
    provider_url = f"http://127.0.0.1:{provider_port}"
    gateway_url = f"http://127.0.0.1:{gateway_port}"
    key = _register(provider_url)
    connection.close()
    procs = [subprocess.Popen([*TINHSO, "catalogue_provider", "--port", str(provider_port)],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL),
             subprocess.Popen([*TINHSO, "gateway", "--port", str(gateway_port)], env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL)]
    try:
        _wait(provider_url, procs[0])
        _wait(gateway_url, procs[1])
        direct_url, via_url = provider_url + "/_sim/echo", gateway_url + PATH
        asyncio.run(_load(via_url, 4, 2, key))  # warm up both paths
        asyncio.run(_load(direct_url, 4, 1))
        lat_direct = asyncio.run(_load(direct_url, args.latency_clients, args.latency_seconds))
        lat_via = asyncio.run(_load(via_url, args.latency_clients, args.latency_seconds, key))
        thr_direct = asyncio.run(_load(direct_url, args.clients, min(args.seconds, 15)))
        thr_via = asyncio.run(_load(via_url, args.clients, args.seconds, key))
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    from tinhso.exchange.models import MessageRecord

    records = MessageRecord.objects.count()
    began = time.perf_counter()
    verify = subprocess.run([*TINHSO, "verify_exchange_log"], env=env, capture_output=True,  # noqa: S603
                            text=True)
    verify_s = round(time.perf_counter() - began, 1)
    added = {"p50_ms": round(lat_via["p50_ms"] - lat_direct["p50_ms"], 2),
             "p95_ms": round(lat_via["p95_ms"] - lat_direct["p95_ms"], 2)}
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "database": connection.vendor},
        "latency": {"direct": lat_direct, "gateway": lat_via, "added": added},
        "throughput": {"direct": thr_direct, "gateway": thr_via},
        "verify": {"records": records, "seconds": verify_s, "exit": verify.returncode,
                   "output": (verify.stdout or verify.stderr).strip()[-300:]},
        "goals": GOALS,
    }
    Path(args.report + ".json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    ok = {"rate": thr_via["rate"] >= GOALS["rate"] and not thr_via["errors"],
          "p50": added["p50_ms"] <= GOALS["added_p50_ms"],
          "p95": added["p95_ms"] <= GOALS["added_p95_ms"]}

    def mark(flag):
        return "đạt" if flag else "KHÔNG đạt"

    lines = [
        "# LGSP gateway: throughput and added latency",
        "",
        f"Run {result['at']} on {os.cpu_count()} cores, {connection.vendor}, load generator "
        f"on the same machine (`bench/exchange_bench.py`). Each exchange through the gateway: "
        f"a new EdDSA JWT assertion verified, replay check, access right, token bucket, "
        f"circuit breaker, forwarding over a pooled connection, the record committed to the "
        f"signed message log before the answer. Body {len(BODY)} bytes echoed by the "
        f"provider.",
        "",
        "| measure | direct | through the gateway | goal |",
        "| --- | --- | --- | --- |",
        f"| latency p50 ({args.latency_clients} clients) | {lat_direct['p50_ms']} ms | "
        f"{lat_via['p50_ms']} ms (added {added['p50_ms']} ms) | added ≤ 3 ms: "
        f"{mark(ok['p50'])} |",
        f"| latency p95 | {lat_direct['p95_ms']} ms | {lat_via['p95_ms']} ms (added "
        f"{added['p95_ms']} ms) | added ≤ 10 ms: {mark(ok['p95'])} |",
        f"| throughput ({args.clients} clients) | {thr_direct['rate']}/s "
        f"({thr_direct['seconds']} s) | {thr_via['rate']}/s over {thr_via['seconds']} s, "
        f"p50 {thr_via['p50_ms']} ms, p95 {thr_via['p95_ms']} ms, errors "
        f"{thr_via['errors'] or 0} | ≥ 500/s, 0 errors: {mark(ok['rate'])} |",
        f"| verify_exchange_log | | {records} records in {verify_s} s (exit "
        f"{verify.returncode}) | |",
        "",
    ]
    Path(args.report + ".md").write_text("\n".join(lines))
    print("\n".join(lines))


async def _paced(url: str, rate: float, seconds: float, key, delay: float = 0) -> dict:
    """Open loop: one exchange every 1/rate s whatever the answers' pace, each timed from when
    it was due (a late send counts against the gateway too); the load a province's systems
    put on it, where a closed loop would only measure how a saturated gateway is shared."""
    await asyncio.sleep(delay)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def one(due: float) -> None:
            try:
                async with session.post(url, data=BODY, headers={
                        "Content-Type": "application/json",
                        "Authorization": _assertion(key)}) as answer:
                    await answer.read()
                    status = answer.status
            except aiohttp.ClientError as exc:
                status = type(exc).__name__
            if status == 200:
                latencies.append(time.perf_counter() - due)
            else:
                errors[str(status)] = errors.get(str(status), 0) + 1

        began = time.perf_counter()
        tasks = []
        for number in range(int(rate * seconds)):
            due = began + number / rate
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        took = time.perf_counter() - began
    return _summary(latencies, errors, took, clients=0)


def _load_in_process(answers, *load) -> None:
    answers.put(asyncio.run(_load(*load)))


def isolation(args) -> None:
    """1 slow provider (2 s) with N exchanges in flight; the fast provider's clients measured
    alone and then during, --repeat times in turn (the machine is shared: one draw can land
    on a neighbour's burst); the median of the slowdowns is the result. Two ways: 2 clients
    in a closed loop (the gateway saturated: its CPU is shared, whatever the isolation), and
    --paced-rate exchanges per second in an open loop (a province's load, with headroom)."""
    call_command("migrate", verbosity=0)
    work = Path(settings.VAR_DIR) / "exchange-bench"
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TINHSO_EXCHANGE_ANCHOR_PATH": str(work / "anchor.jsonl"),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(work / "gateway.pem"),
           "TINHSO_GATEWAY_REFRESH_SECONDS": "2"}
    ports = [_free_port() for _ in range(3)]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    key = _register(urls[0])
    _register_slow(urls[1])
    connection.close()
    procs = [subprocess.Popen([*TINHSO, "catalogue_provider", "--port", str(ports[0])],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL),
             subprocess.Popen([*TINHSO, "catalogue_provider", "--port", str(ports[1])],  # noqa: S603
                              env=env, stdout=subprocess.DEVNULL),
             subprocess.Popen([*TINHSO, "gateway", "--port", str(ports[2])], env=env,  # noqa: S603
                              stdout=subprocess.DEVNULL)]
    seconds, rate = args.latency_seconds, args.paced_rate
    fast = urls[2] + PATH
    slow = urls[2] + "/r1/GOV/000.00.00.H41/DMDCBENCH/slow/v1/_sim/delay?ms=2000"
    ways = ["closed"] + (["paced"] if rate else [])

    def measure(delay: float = 0) -> dict:
        found = {"closed": asyncio.run(_load(fast, 2, seconds, key, delay=delay))}
        if rate:
            found["paced"] = asyncio.run(_paced(fast, rate, seconds, key))
        return found

    runs = []
    try:
        for url, proc in zip(urls, procs, strict=True):
            _wait(url, proc)
        asyncio.run(_load(fast, 4, 2, key))
        for _ in range(args.repeat):
            before = measure()
            # The slow provider's clients are other systems: their load comes from another
            # process, so that its event loop does not delay the measured client's.
            context = multiprocessing.get_context("fork")
            answers = context.Queue()
            loader = context.Process(target=_load_in_process, args=(
                answers, slow, args.isolation, seconds * len(ways) + 4, key))
            loader.start()
            during = measure(delay=3)  # all N in flight
            slow_result = answers.get(timeout=seconds * len(ways) + 120)
            loader.join(30)
            runs.append({"before": before, "during": during, "slow": slow_result,
                         "slowdown": {way: {p: round(during[way][p] / before[way][p] - 1, 3)
                                            for p in ("p50_ms", "p95_ms")} for way in ways}})
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)
    median = {way: {p: statistics.median(run["slowdown"][way][p] for run in runs)
                    for p in ("p50_ms", "p95_ms")} for way in ways}
    result = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "in_flight": args.isolation,
              "paced_rate": rate, "runs": runs, "median_slowdown": median, "goal": 0.10}
    Path(args.report + "-isolation.json").write_text(json.dumps(result, indent=2))
    lines = [
        "# LGSP gateway: one slow provider does not take the gateway's capacity",
        "",
        f"Run {result['at']} on {os.cpu_count()} cores, {connection.vendor} "
        f"(`bench/exchange_bench.py --isolation {args.isolation} --repeat {args.repeat} "
        f"--paced-rate {rate:g}`). A provider that answers after 2 s, on its own process, with "
        f"{args.isolation} exchanges kept in flight through the gateway by a load generator in "
        f"its own process; meanwhile another provider is called through the same gateway, "
        f"{seconds:g} s alone then {seconds:g} s with the slow load, {args.repeat} times in "
        f"turn, in two ways: 2 clients in a closed loop (as fast as the gateway answers, so "
        f"it has no idle time to give), and {rate:g} exchanges per second in an open loop, "
        f"each timed from when it was due. Goal: the other exchanges slowed by at most 10 %.",
        "",
    ]
    titles = {"closed": "2 clients in a closed loop",
              "paced": f"{rate:g} exchanges per second, open loop"}
    for way in ways:
        lines += [f"## {titles[way]}", "",
                  "| run | alone p50 / p95 | slow one loaded p50 / p95 | slowdown p50 / p95 "
                  "| slow provider's exchanges p50 / p95, rate |",
                  "| --- | --- | --- | --- | --- |"]
        for number, run in enumerate(runs, 1):
            before, during, slow_result = run["before"][way], run["during"][way], run["slow"]
            lines.append(
                f"| {number} | {before['p50_ms']} / {before['p95_ms']} ms "
                f"| {during['p50_ms']} / {during['p95_ms']} ms "
                f"| {run['slowdown'][way]['p50_ms']:+.1%} / {run['slowdown'][way]['p95_ms']:+.1%} "
                f"| {slow_result['p50_ms']} / {slow_result['p95_ms']} ms, "
                f"{slow_result['rate']}/s, errors {slow_result['errors'] or 0} |")
        lines += ["", f"Median slowdown: p50 {median[way]['p50_ms']:+.1%}, p95 "
                  f"{median[way]['p95_ms']:+.1%} (goal ≤ +10 %).", ""]
    Path(args.report + "-isolation.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
