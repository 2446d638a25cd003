"""Benchmark of the document lists and search at tens of thousands of documents, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tinhso_docs_bench \\
        .venv/bin/python bench/documents_lists.py --per-agency 25000 --agencies 4

Seeds (once, set-wise) `--agencies` agencies with `--per-agency` documents each, half
outgoing, half incoming in every state, each with a file whose folded text is a few hundred
characters; then times, as the officials' pages call them (documents.selectors), the first
page of a list, a page deep in it (keyset), the queue counts, and searches for a common
fragment, a rare one and one found only in a file's text. Each timing is the median of
--repeat runs. Writes bench/reports/documents-lists.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
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

from tinhso.core.models import AdministrativeUnit, Agency, User, UserRole  # noqa: E402
from tinhso.core.roles import Role  # noqa: E402
from tinhso.core.text import fold  # noqa: E402
from tinhso.documents import seeding, selectors  # noqa: E402
from tinhso.documents.models import Document, Status  # noqa: E402

REPORTS = ROOT / "bench" / "reports"
SUBJECTS = [
    "Về việc phê duyệt kế hoạch cải cách hành chính năm {y}",
    "V/v đôn đốc báo cáo tình hình giải ngân vốn đầu tư công đợt {n}",
    "Quyết định thành lập Tổ công tác kiểm tra trật tự xây dựng khu {n}",
    "Kế hoạch tổ chức hội nghị tập huấn nghiệp vụ văn thư lưu trữ {y}",
    "Thông báo kết luận giao ban tháng {m} của lãnh đạo",
    "Báo cáo kết quả thực hiện chuyển đổi số quý {q} năm {y}",
]
BODY = ("Căn cứ Luật Tổ chức chính quyền địa phương; căn cứ Nghị định số 30/2020/NĐ-CP về công "
        "tác văn thư; xét đề nghị của Chánh Văn phòng. Điều {n}. Giao các cơ quan, đơn vị "
        "triển khai thực hiện nhiệm vụ được giao, báo cáo kết quả trước ngày {m}/12.")
RARE = "ma so dac biet 7f3q"  # in one document's file only


def _agencies(count: int) -> tuple[list[Agency], list[User]]:
    unit, _ = AdministrativeUnit.objects.get_or_create(
        code="97", defaults={"name": "Tỉnh Đo Danh Sách", "level": "province",
                             "division_type": "tỉnh", "codename": "bench_lists",
                             "valid_from": "2025-07-01"})
    agencies, users = [], []
    for i in range(count):
        agency, _ = Agency.objects.get_or_create(code=f"Z92.{i + 1}", defaults={
            "name": f"Sở Đo Danh Sách {i + 1}", "level": "province", "unit": unit})
        user, _ = User.objects.get_or_create(username=f"vanthu.lists{i + 1}",
                                             defaults={"agency": agency})
        UserRole.objects.get_or_create(user=user, role=Role.AGENCY_LEADER)
        agencies.append(agency)
        users.append(User.objects.get(pk=user.pk))
    return agencies, users


def seed(agencies, per_agency: int) -> int:
    rng = random.Random(7)  # noqa: S311 - made-up data, the same each run
    made = 0
    out_states = [Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.ISSUED,
                  Status.ISSUED, Status.ISSUED]
    in_states = [Status.ARRIVED, Status.REGISTERED, Status.ASSIGNED, Status.COMPLETED,
                 Status.COMPLETED]
    for a_index, agency in enumerate(agencies):
        have = Document.objects.filter(agency=agency).count()
        if have >= per_agency:
            continue
        todo = per_agency - have
        for start in range(0, todo, 5000):
            n = min(5000, todo - start)
            for direction, states in (("out", out_states), ("in", in_states)):
                half = n // 2
                subjects = [rng.choice(SUBJECTS).format(y=rng.choice([2025, 2026]),
                                                        n=rng.randint(1, 99),
                                                        m=rng.randint(1, 12),
                                                        q=rng.choice(["I", "II", "III", "IV"]))
                            for _ in range(half)]
                texts = [fold(BODY.format(n=rng.randint(1, 20), m=rng.randint(1, 28)))
                         for _ in range(half)]
                if a_index == 0 and start == 0 and direction == "in":
                    texts[0] += " " + RARE
                by_state: dict[str, list[int]] = {}
                for i in range(half):
                    by_state.setdefault(rng.choice(states), []).append(i)
                for status, idx in by_state.items():
                    seeding.documents_at(agency, status, [subjects[i] for i in idx],
                                         data=b"%PDF-1.4 bench", texts=[texts[i] for i in idx],
                                         direction=direction, kind="received")
                    made += len(idx)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE documents_document")
        cursor.execute("ANALYZE documents_documentfile")
    return made


def timed(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 2), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-agency", type=int, default=25_000)
    parser.add_argument("--agencies", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Cần PostgreSQL (DATABASE_URL=postgres://...).", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    agencies, users = _agencies(args.agencies)
    t0 = time.perf_counter()
    made = seed(agencies, args.per_agency)
    seeded_s = round(time.perf_counter() - t0, 1)
    user = users[0]
    total = Document.objects.count()
    mine = Document.objects.filter(agency=agencies[0]).count()
    _rows, deep_key = selectors.outgoing(user)
    for _ in range(50):  # 50 pages in: the keyset's key after 1,500 rows
        _rows, deep_key = selectors.outgoing(user, before=deep_key)
    cases = {
        "outgoing list, first page": lambda: selectors.outgoing(user),
        "outgoing list, page 51 (keyset)": lambda: selectors.outgoing(user, before=deep_key),
        "outgoing queue counts": lambda: selectors.outgoing_counts(user),
        "incoming list, queue 'to register'": lambda: selectors.incoming(
            user, queue="to_register"),
        "incoming queue counts": lambda: selectors.incoming_counts(user),
        "search, common fragment 'cai cach'": lambda: selectors.search(user, "cải cách"),
        "search, rare fragment in a file only": lambda: selectors.search(user, RARE),
        "search, no match": lambda: selectors.search(user, "khong co van ban nao 9z9"),
    }
    results = {}
    for name, fn in cases.items():
        ms, found = timed(fn, args.repeat)
        results[name] = {"median_ms": ms,
                         "rows": len(found[0]) if isinstance(found, tuple) else None}
    report = {"at": datetime.now(UTC).isoformat(timespec="seconds"), "documents_total": total,
              "documents_of_the_official_agency": mine, "seeded_now": made,
              "seed_s": seeded_s, "repeat": args.repeat, "page_size": selectors.PAGE_SIZE,
              "results": results, "cpus": os.cpu_count()}
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "documents-lists.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    lines = ["# Document lists and search at scale", "",
             f"Measured {report['at']} by `bench/documents_lists.py` on PostgreSQL, "
             f"{report['cpus']} CPUs: {total:,} documents in the database, "
             f"{mine:,} of them the official's agency's (half outgoing, half incoming, in "
             "every state, each with a file of a few hundred characters of folded text). "
             f"Median of {args.repeat} runs of the selectors the pages call "
             f"({selectors.PAGE_SIZE} rows a page).", "",
             "| Query | Median | Rows |", "|---|---|---|"]
    lines += [f"| {name} | {r['median_ms']} ms | {r['rows'] if r['rows'] is not None else '—'} |"
              for name, r in results.items()]
    lines += ["", "Lists page by key on the (agency, direction, id) index and select no text "
              "bodies; searches use the trigram indexes of migration 0002 (agency and folded "
              "metadata; the files' folded text)."]
    (REPORTS / "documents-lists.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
