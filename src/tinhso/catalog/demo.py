"""A realistic demo catalogue for the demo province, loaded through the importer.

Procedure names and sectors come from data/demo_procedures.txt (real names of the national
database where known, the rest built from real sector verbs and objects). Codes follow the
national pattern; a handful are the real national codes, the rest are generated and stable.
Every value is drawn from a seeded generator, so loading twice changes nothing.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.core.models import Agency
from tinhso.core.roles import Role
from tinhso.core.text import fold

from .demo_rules import (
    COMMUNE_DIVISION,
    LEGAL_BASIS,
    PROVINCE_DIVISION,
    REAL_CODES,
    components_for,
    fees_for,
    results_for,
    time_for,
)
from .exchange.document import RawDocument, RawProcedure, RawProcess, RawRow
from .exchange.importer import ImportReport, import_document

DATA = Path(__file__).with_name("data") / "demo_procedures.txt"
SERVICE_CENTRE = "phuc vu hanh chinh cong"


class NoAgencies(DomainError):
    code = "no_agencies"
    default_message = _("Chưa có cơ quan nào; hãy chạy “tinhso load_demo_province” trước.")


@dataclass(frozen=True)
class Entry:
    sector: str
    level: str  # x commune, t province, b both
    name: str


def read_entries() -> tuple[list[dict], list[Entry], dict[str, str]]:
    sectors, entries, departments = [], [], {}
    current = None
    for line in DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("=="):
            code, name, department = (part.strip() for part in line[2:].split("|"))
            sectors.append({"code": code, "name": name})
            departments[code] = department
            current = code
            continue
        level, name = line.split(" ", 1)
        entries.append(Entry(current, level, name.strip()))
    return sectors, entries, departments


class AgencyPicker:
    """Finds the department of a sector by a fragment of its name, with fallbacks."""

    def __init__(self) -> None:
        rows = list(Agency.objects.filter(is_active=True).order_by("code")
                    .values_list("code", "search_name", "level"))
        if not rows:
            raise NoAgencies()
        self.communes = [c for c, _n, level in rows if level == Agency.Level.COMMUNE]
        self.province = [(c, n) for c, n, level in rows if level == Agency.Level.PROVINCE]
        self.fallback = next((c for c, n in self.province if SERVICE_CENTRE in n), None) or (
            self.province[0][0] if self.province else rows[0][0])
        if not self.communes:
            self.communes = [self.fallback]

    def department(self, fragment: str) -> str:
        wanted = fold(fragment)
        # A department ("Sở ...") first, then any provincial body with the words in its name.
        for prefix in ("so ", ""):
            for code, name in self.province:
                if name.startswith(prefix) and wanted in name:
                    return code
        return self.fallback


def _code(used: set[str], name: str) -> str:
    """A code drawn from the name alone, so adding or editing other entries never moves it."""
    if name in REAL_CODES:
        return REAL_CODES[name]
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    series, number = "12"[digest % 2], 1000 + (digest >> 1) % 9000  # 1.00xxxx, 2.00xxxx
    while True:
        code = f"{series}.{number:06d}"
        if code not in used and code not in REAL_CODES.values():
            return code
        number = 1000 + (number - 999) % 9000


def _steps(rng: random.Random, level: str, sector: str, short: bool) -> list[dict]:
    intake = {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": Role.ONE_STOP_OFFICER,
              "division": "Bộ phận Một cửa" if level == "x"
              else "Trung tâm Phục vụ hành chính công"}
    division = (COMMUNE_DIVISION if level == "x" else PROVINCE_DIVISION).get(
        sector, "Phòng chuyên môn")
    leader = "Lãnh đạo Ủy ban nhân dân xã" if level == "x" else "Lãnh đạo Sở"
    if short:
        return [{**intake, "name": "Tiếp nhận, thẩm định hồ sơ", "share": 70},
                {"name": "Ký, trả kết quả", "role": Role.AGENCY_LEADER, "division": leader,
                 "share": 30}]
    review = {"name": "Thẩm định, xử lý hồ sơ", "role": Role.SPECIALIST, "division": division}
    sign = {"name": "Phê duyệt, ký kết quả", "role": Role.AGENCY_LEADER, "division": leader}
    shape = rng.choice(("three", "four", "four_head"))
    if shape == "three":
        return [{**intake, "share": 10}, {**review, "share": 70}, {**sign, "share": 20}]
    if shape == "four":
        return [{**intake, "share": 10}, {**review, "share": 60}, {**sign, "share": 20},
                {"name": "Trả kết quả", "role": Role.ONE_STOP_OFFICER,
                 "division": intake["division"], "share": 10}]
    return [{**intake, "share": 10}, {**review, "share": 50},
            {"name": "Kiểm tra, trình ký", "role": Role.DIVISION_HEAD, "division": division,
             "share": 20}, {**sign, "share": 20}]


def _online_level(rng: random.Random, name: str) -> str:
    if fold(name).startswith("tiep cong dan"):
        return "none"
    draw = rng.random()
    return "full" if draw < 0.6 else "partial" if draw < 0.9 else "none"


def build_document() -> RawDocument:
    """The demo catalogue as a document the importer accepts (raw rows, all valid)."""
    sectors, entries, departments = read_entries()
    picker = AgencyPicker()
    used: set[str] = set()
    doc = RawDocument(sectors=[RawRow(f"demo.sectors[{i}]", s) for i, s in enumerate(sectors)])
    for i, entry in enumerate(entries):
        # One generator per procedure, seeded by its name: stable whatever else changes.
        rng = random.Random(f"{entry.sector}:{entry.name}")  # noqa: S311 - demo data, no secret
        code = _code(used, entry.name)
        used.add(code)
        where = f"demo.procedures[{i}]"
        department = picker.department(departments[entry.sector])
        agencies = {"x": picker.communes, "t": [department],
                    "b": [*picker.communes, department]}[entry.level]
        amount, unit = time_for(rng, entry.sector, entry.name)
        decided = date(2025, 7, 1) + timedelta(days=rng.randint(0, 330))
        fields = {
            "code": code, "name": entry.name, "sector": entry.sector, "agencies": agencies,
            "at_province": entry.level in "tb", "at_commune": entry.level in "xb",
            "processing_time": amount, "time_unit": unit,
            "online_level": _online_level(rng, entry.name),
            "uses_population_data": entry.level in "xb" and rng.random() < 0.7,
            "content_complete": rng.random() < 0.95,
            "legal_basis": LEGAL_BASIS.get(entry.sector, ""),
            "legal_effective_date": date(2025, 7, 1),
            "publication_decision_no": f"{rng.randint(100, 2999)}/QĐ-UBND",
            "publication_decision_date": decided,
            "public_posting_date": decided + timedelta(days=rng.randint(1, 7)),
            "description": _("Nộp hồ sơ trực tuyến trên Cổng dịch vụ công hoặc trực tiếp tại "
                             "Bộ phận Một cửa; nhận kết quả theo ngày hẹn trả."),
        }
        proc = RawProcedure(RawRow(where, fields))
        for key, rows in (("components", components_for(rng, entry.sector, entry.name)),
                          ("fees", fees_for(rng, entry.sector, entry.name)),
                          ("results", results_for(rng, entry.sector, entry.name))):
            setattr(proc, key, [RawRow(f"{where}.{key}[{j}]", row)
                                for j, row in enumerate(rows)])
        short = unit == "working_hours" or amount <= Decimal(1)
        if entry.level in "xb":
            proc.processes.append(_process(where, 0, None, "Quy trình giải quyết tại cấp xã",
                                           _steps(rng, "x", entry.sector, short)))
        if entry.level in "tb":
            proc.processes.append(_process(where, 1, department, "Quy trình giải quyết tại Sở",
                                           _steps(rng, "t", entry.sector, short)))
        doc.procedures.append(proc)
    return doc


def _process(where: str, index: int, agency: str | None, name: str, steps) -> RawProcess:
    pwhere = f"{where}.processes[{index}]"
    return RawProcess(RawRow(pwhere, {"agency": agency, "name": name}),
                      [RawRow(f"{pwhere}.steps[{k}]", s) for k, s in enumerate(steps)])


def load_demo_catalog(user) -> ImportReport:
    return import_document(user, build_document())
