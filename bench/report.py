"""Turn a bench run's locust CSVs and pgbench outputs into bench-<size>.md and .json."""

import argparse
import csv
import json
import os
import platform
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

# The goals (2 cores, 24 GiB, 5,000,000 dossiers): request name -> (p95 ms, min rps).
GOALS = {
    "submit": (200, 150),
    "lookup by code": (20, None),
    "worklist due_soon": (100, None),
    "worklist overdue": (100, None),
    "search by applicant id": (100, None),
    "search by applicant name": (100, None),
    "search by name without diacritics": (100, None),
    "search by a common fragment": (100, None),
}


def machine() -> dict:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    mem_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    psql = [shutil.which("psql") or "psql", "-qAtc", "SHOW server_version"]
    pg = subprocess.run(psql, capture_output=True, text=True,  # noqa: S603 (fixed command)
                        env={**os.environ, "PGHOST": "127.0.0.1",
                             "PGUSER": "postgres"}).stdout.strip()
    return {"cpus": os.cpu_count(), "cpu_model": cpu, "memory_gib": round(mem_kb / 2**20, 1),
            "kernel": platform.release(), "python": platform.python_version(),
            "postgresql": pg}


def pgbench(path: Path) -> dict:
    text = path.read_text() if path.exists() else ""
    tps = re.search(r"tps = ([\d.]+) \(without", text)
    lat = re.search(r"latency average = ([\d.]+) ms", text)
    return {"tps": float(tps.group(1)) if tps else None,
            "latency_avg_ms": float(lat.group(1)) if lat else None}


def scenario(work: Path, name: str) -> list[dict]:
    """A run's rows; `name` is a scenario, or `<scenario>@<rate>` for a paced run."""
    path = work / f"{name}_stats.csv"
    if not path.exists():
        return []
    rows = []
    for row in csv.DictReader(path.open()):
        if not row["Request Count"] or row["Request Count"] == "0":
            continue
        base, _, rate = name.partition("@")
        rows.append({"scenario": base, "run": name, "paced_rps": float(rate) if rate else None,
                     "request": row["Name"],
                     "count": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                     "rps": round(float(row["Requests/s"]), 1),
                     "p50_ms": float(row["50%"]), "p95_ms": float(row["95%"]),
                     "p99_ms": float(row["99%"])})
    return rows


def verdict(row: dict) -> str:
    goal = GOALS.get(row["request"])
    if goal is None or row["request"] == "Aggregated":
        return ""
    p95, rps = goal
    ok = row["p95_ms"] < p95 and row["errors"] == 0
    if rps is not None and row["scenario"] == "Submission":
        ok = ok and row["rps"] >= rps
    wanted = f"p95 < {p95} ms" + (f", ≥ {rps}/s" if rps else "")
    return ("đạt" if ok else "CHƯA ĐẠT") + f" ({wanted})"


def main() -> None:
    ap = argparse.ArgumentParser()
    for opt in ("work", "out", "duration", "scenarios"):
        ap.add_argument(f"--{opt}", required=True)
    for opt in ("dossiers", "workers", "users"):
        ap.add_argument(f"--{opt}", type=int, required=True)
    ap.add_argument("--worker", type=int, default=1, help="1 when db_worker ran beside")
    args = ap.parse_args()
    work = Path(args.work)
    names = args.scenarios.split()
    rows = [r for name in names for r in scenario(work, name)]
    waits = dict(line.split() for line in (work / "idle-wait.txt").read_text().splitlines()
                 ) if (work / "idle-wait.txt").exists() else {}
    for r in rows:
        r["goal"] = verdict(r)
        r["idle_wait_s"] = int(waits.get(r["run"], 0))
    ceiling = {"select": pgbench(work / "pgbench-select.txt"),
               "insert": pgbench(work / "pgbench-insert.txt")}
    data = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "dossiers": args.dossiers,
            "gunicorn_workers": args.workers, "db_worker_running": bool(args.worker),
            "users": args.users, "duration": args.duration,
            "machine": machine(), "ceiling_pgbench": ceiling, "results": rows}
    for r in rows:
        if r["request"] == "submit" and ceiling["insert"]["tps"]:
            r["ratio_to_pgbench_insert"] = round(r["rps"] / ceiling["insert"]["tps"], 4)
        elif r["request"] != "Aggregated" and ceiling["select"]["tps"]:
            r["ratio_to_pgbench_select"] = round(r["rps"] / ceiling["select"]["tps"], 4)
    Path(f"{args.out}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2))

    m = data["machine"]
    lines = [
        f"# Bench: {args.dossiers:,} hồ sơ — {data['at']}", "",
        f"Máy: {m['cpus']} CPU ({m['cpu_model']}), {m['memory_gib']} GiB, PostgreSQL "
        f"{m['postgresql']}, Python {m['python']}. gunicorn {args.workers} worker đồng bộ; "
        f"locust {args.users} người dùng, mỗi kịch bản {args.duration}, cùng máy. "
        f"Tiến trình nền (db_worker): {'có chạy' if args.worker else 'KHÔNG chạy'}.", "",
        "## Trần của máy (pgbench, cùng PostgreSQL, cùng lần chạy)", "",
        "| Phép | tps | độ trễ TB (ms) |", "|---|---:|---:|",
        f"| SELECT theo khóa (-S) | {ceiling['select']['tps']} | "
        f"{ceiling['select']['latency_avg_ms']} |",
        f"| INSERT một dòng | {ceiling['insert']['tps']} | "
        f"{ceiling['insert']['latency_avg_ms']} |", "",
        "## Kết quả", "",
        "| Kịch bản | Tải | Yêu cầu | Số yêu cầu | Lỗi | req/s | p50 | p95 | p99 "
        "| Tỉ lệ / pgbench | Mục tiêu |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        ratio = r.get("ratio_to_pgbench_insert", r.get("ratio_to_pgbench_select", ""))
        load = (f"{r['paced_rps']:g} req/s" if r["paced_rps"] else "bão hòa")
        lines.append(f"| {r['scenario']} | {load} | {r['request']} | {r['count']:,} | "
                     f"{r['errors']} | "
                     f"{r['rps']} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | "
                     f"{r['p99_ms']:.0f} | {ratio} | {r['goal']} |")
    lines += ["", "Độ trễ tính bằng ms, đo ở locust (gồm cả hàng đợi phía máy khách "
              "khi máy 2 lõi bị chia cho locust, gunicorn và PostgreSQL).",
              "Tải “bão hòa”: mỗi người dùng gửi yêu cầu kế tiếp ngay khi nhận trả lời (đo "
              "thông lượng; độ trễ khi đó phần lớn là thời gian xếp hàng). Tải “N req/s”: "
              "tổng số yêu cầu mỗi giây cố định dưới mức bão hòa (đo độ trễ phục vụ).",
              "Trước mỗi kịch bản, chờ hàng đợi nền (db_worker) trống, tối đa 300 s: "
              + ", ".join(f"{k} {v} s" for k, v in waits.items()) + "."]
    Path(f"{args.out}.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
