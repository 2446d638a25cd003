"""The demo province's catalogue: the real procedures of the national database.

data/national/procedures.json.xz holds the procedures a province and its communes carry out,
as the national database publishes them (cases, channels, fees, papers, legal basis); see
data/national/SOURCE.md for where and when they were taken. What the national record cannot
say is the province's own: which of its agencies receives a procedure (catalog.placement,
from the published implementing body, with the 2025 mergers of departments), the internal process
(a demo process per level), which services it offers fully online (its own published list:
the demo province offers fully online every procedure the national record files online),
which papers its e-data store can stand in for (the citizen id) and the e-forms (tờ khai điện
tử) of its most-filed procedures (data/forms/*.json, each from a published template it
names). A procedure whose body maps to no agency of the demo province is left out and named
in the load report; nothing is invented to fill it.
"""

from __future__ import annotations

import json
import lzma
import random
from decimal import Decimal
from pathlib import Path

from tinhso.core.roles import Role
from tinhso.core.text import fold

from .exchange import json_format
from .exchange.document import RawDocument, RawProcedure, RawProcess, RawRow
from .exchange.importer import ImportReport, import_document
from .placement import Province, place

DATA = Path(__file__).with_name("data") / "national" / "procedures.json.xz"
# E-forms: one file per published template, {"template", "attach": [{"code", "component"}],
# "form"}; a form goes to the papers of each procedure whose name holds the fragment.
FORMS = Path(__file__).with_name("data") / "forms"

# Papers the demo province's e-data store holds, by a fragment of their folded name.
STORE_KINDS = (("can cuoc", "CCCD"),)


def _steps(rng: random.Random, commune: bool, short: bool) -> list[dict]:
    intake = {"name": "Tiếp nhận, kiểm tra hồ sơ", "role": Role.ONE_STOP_OFFICER,
              "division": "Bộ phận Một cửa" if commune else "Trung tâm Phục vụ hành chính công"}
    leader = "Lãnh đạo cơ quan cấp xã" if commune else "Lãnh đạo cơ quan"
    if short:
        return [{**intake, "name": "Tiếp nhận, thẩm định hồ sơ", "share": 70},
                {"name": "Ký, trả kết quả", "role": Role.AGENCY_LEADER, "division": leader,
                 "share": 30}]
    review = {"name": "Thẩm định, xử lý hồ sơ", "role": Role.SPECIALIST,
              "division": "Bộ phận chuyên môn"}
    sign = {"name": "Phê duyệt, ký kết quả", "role": Role.AGENCY_LEADER, "division": leader}
    if rng.random() < 0.5:
        return [{**intake, "share": 10}, {**review, "share": 70}, {**sign, "share": 20}]
    return [{**intake, "share": 10}, {**review, "share": 50},
            {"name": "Kiểm tra, trình ký", "role": Role.DIVISION_HEAD,
             "division": "Bộ phận chuyên môn", "share": 20}, {**sign, "share": 20}]


def _is_short(data: dict) -> bool:
    time, unit = data.get("processing_time"), data.get("time_unit")
    return unit == "working_hours" or (time is not None and Decimal(str(time)) <= 1)


def _process(proc: RawProcedure, index: int, agency: str | None, name: str,
             steps: list[dict]) -> RawProcess:
    where = f"{proc.row.where}.processes[{index}]"
    return RawProcess(RawRow(where, {"agency": agency, "name": name}),
                      [RawRow(f"{where}.steps[{k}]", s) for k, s in enumerate(steps)])


def demo_forms() -> dict[str, list[tuple[str, dict]]]:
    """procedure code -> [(folded fragment of a paper's name, form definition)]."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for path in sorted(FORMS.glob("*.json")):
        body = json.loads(path.read_text(encoding="utf-8"))
        for target in body["attach"]:
            out.setdefault(target["code"], []).append((fold(target["component"]), body["form"]))
    return out


def build_document() -> RawDocument:
    """The national procedures with the demo province's agencies and processes."""
    doc = json_format.read(lzma.decompress(DATA.read_bytes()))
    province = Province()
    place(doc, province)  # the national record names no agency of any province
    forms = demo_forms()
    for proc in doc.procedures:
        data = proc.row.data
        # One generator per procedure, seeded by its code: stable whatever else changes.
        rng = random.Random(str(data.get("code")))  # noqa: S311 - demo data, no secret
        agencies = data["agencies"]
        if data.get("online_level") == "partial":
            data["online_level"] = "full"
        for paper in proc.components:
            name = fold(str(paper.data.get("name") or ""))
            paper.data["reusable_kind"] = next(
                (kind for key, kind in STORE_KINDS if key in name), "")
            paper.data["form"] = next(
                (form for fragment, form in forms.get(str(data.get("code")), ())
                 if fragment in name), None)
        short = _is_short(data)
        commune_agencies = set(province.committees) | set(province.police)
        if any(a in commune_agencies for a in agencies):
            proc.processes.append(_process(proc, 0, None, "Quy trình giải quyết tại cấp xã",
                                           _steps(rng, True, short)))
        for i, agency in enumerate(a for a in agencies if a not in commune_agencies):
            proc.processes.append(_process(proc, i + 1, agency, "Quy trình giải quyết tại tỉnh",
                                           _steps(rng, False, short)))
    return doc


def load_demo_catalog(user) -> ImportReport:
    return import_document(user, build_document())
