"""Where one request's time goes: SQL count and time, and the top of a cProfile, per scenario.

Runs in-process against the bench database (DATABASE_URL) with the bench fixtures:
    .venv/bin/python bench/profile_requests.py var/bench/fixtures.json [repeat]
Prints Markdown; bench/run.sh appends it to the report.
"""

import cProfile
import io
import json
import pstats
import random
import sys
import time
import uuid

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

API = "/api/v1/dossiers/"


def _session(username: str) -> str:
    """A fresh session: the fixtures' were signed with the bench server's secret key."""
    from django.contrib.auth import get_user_model
    from prepare import session_for

    return session_for(get_user_model().objects.get(username=username))


def requests(fx: dict):
    rnd = random.Random(7)  # noqa: S311 (a repeatable pick, not a secret)
    official = max(fx["officials"], key=lambda o: o["dossiers"])
    official = {**official, "session": _session(official["username"])}
    who = fx["applicants"][0]
    applicant = _session(who["username"])
    target = rnd.choice(fx["submittable"])
    body = {"procedure": target["procedure"], "agency": target["agency"],
            "applicant": {"kind": "citizen", "name": who["name"],
                          "id_number": who["personal_id"], "phone": "0912345678"},
            "components": [{**c, "reused_from": who["paper"]} for c in target["components"]]}
    yield ("submit", applicant, "post", API, body)
    yield ("lookup by code", official["session"], "get", f"{API}{official['codes'][0]}/", None)
    for bucket in ("due_soon", "overdue"):
        yield (f"worklist {bucket}", official["session"], "get",
               f"{API}worklist/?bucket={bucket}", None)
    yield ("search by applicant id", official["session"], "get",
           f"{API}?q={official['id_numbers'][0]}", None)
    yield ("search by applicant name", official["session"], "get",
           f"{API}?q={official['names'][0]}", None)
    yield ("search by name without diacritics", official["session"], "get",
           f"{API}?q={official['folded_names'][0]}", None)


def main(path: str, repeat: int) -> None:
    fx = json.load(open(path, encoding="utf-8"))  # noqa: SIM115
    print("| Yêu cầu | HTTP | Số truy vấn SQL | Thời gian SQL (ms) | Tổng (ms) |")
    print("|---|---:|---:|---:|---:|")
    profiles = {}
    for name, session, method, url, body in requests(fx):
        client = Client(enforce_csrf_checks=False)
        client.cookies["sessionid"] = session
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body else {}
        best = None
        for _ in range(repeat):
            headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if body else {}
            prof = cProfile.Profile()
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                prof.enable()
                resp = getattr(client, method)(url, **kwargs, **headers)
                prof.disable()
                total = (time.perf_counter() - t0) * 1000
            sql = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
            if best is None or total < best[0]:
                best = (total, sql, len(ctx.captured_queries), resp.status_code, prof)
        total, sql, n, status, prof = best
        profiles[name] = prof
        print(f"| {name} | {status} | {n} | {sql:.1f} | {total:.1f} |")
    for name, prof in profiles.items():
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(15)
        lines = [ln for ln in out.getvalue().splitlines() if ln.strip()][3:]
        print(f"\n<details><summary>cProfile: {name}</summary>\n\n```\n"
              + "\n".join(lines[:20]) + "\n```\n</details>")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
