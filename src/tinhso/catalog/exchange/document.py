"""The exchange document: its fields, the raw rows the readers produce, and the export from DB.

The clean form of a document is plain dicts with Python values (Decimal, date, bool, int):
    {"sectors": [{"code", "name"}],
     "procedures": [{"code", "name", "sector", "version": {<VERSION fields>, "agencies": [...],
                     "cases": [{"number", "name"}], "components": [...], "times": [...],
                     "fees": [...], "results": [...],
                     "processes": [{"agency", "name", "steps": [...]}]}}]}
A component, time or fee names its case by number (1 is the first), or none for every case.
Both formats write it and read it back; equal clean forms mean equal catalogue content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from tinhso.core.roles import Role
from tinhso.core.timeunits import TimeUnit

from ..models import (
    Channel,
    ChannelTime,
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)

FORMAT = "tinhso.catalog"
FORMAT_VERSION = 2
# Published texts run to tens of thousands of characters (26,305 is the longest seen, a
# procedure's conditions); this bound only stops abuse.
LONG_TEXT = 100_000


@dataclass(frozen=True)
class Field:
    name: str
    # text, bool, count, amount, positive, share, rate, date, choice, agency, agencies, code,
    # case (a case's number in its procedure), form (an e-form definition: the object in
    # JSON, its JSON text in an Excel cell)
    kind: str
    header: str  # the column header in Excel
    # Must be stated: an empty value is a reported problem, never a guess.
    required: bool = False
    default: object = None
    max_length: int | None = LONG_TEXT
    choices: type | None = None
    blank: bool = False  # a choice that may be empty (a channel: every channel)


SECTOR_FIELDS = (
    Field("code", "text", "Mã lĩnh vực", required=True, max_length=30),
    Field("name", "text", "Tên lĩnh vực", required=True, max_length=255),
)
PROCEDURE_FIELDS = (
    Field("code", "code", "Mã thủ tục", required=True),
    Field("name", "text", "Tên thủ tục", required=True),
    Field("sector", "text", "Mã lĩnh vực", required=True, max_length=30),
)
VERSION_FIELDS = (
    Field("agencies", "agencies", "Cơ quan thực hiện (mã định danh)", required=True),
    Field("at_province", "bool", "Cấp tỉnh", default=False),
    Field("at_commune", "bool", "Cấp xã", default=False),
    Field("at_ministry", "bool", "Cấp bộ", default=False),
    Field("at_other", "bool", "Cơ quan khác", default=False),
    # Empty: the published record states no time (reported as a warning, never invented).
    Field("processing_time", "positive", "Thời hạn giải quyết"),
    Field("time_unit", "choice", "Đơn vị thời hạn", choices=TimeUnit),
    Field("online_level", "choice", "Mức độ trực tuyến", default=OnlineLevel.NONE,
          choices=OnlineLevel),
    Field("uses_population_data", "bool", "Kết nối dữ liệu dân cư", default=False),
    Field("content_complete", "bool", "Công bố đủ nội dung", default=False),
    Field("legal_basis", "text", "Căn cứ pháp lý", default=""),
    Field("legal_effective_date", "date", "Ngày văn bản có hiệu lực"),
    Field("publication_decision_no", "text", "Số quyết định công bố", default="",
          max_length=100),
    Field("publication_decision_date", "date", "Ngày quyết định công bố"),
    Field("public_posting_date", "date", "Ngày công khai"),
    Field("description", "text", "Trình tự thực hiện", default=""),
    Field("implementing_body", "text", "Cơ quan thực hiện (theo công bố)", default=""),
    Field("competent_authority", "text", "Cơ quan có thẩm quyền", default=""),
    Field("coordinating_bodies", "text", "Cơ quan phối hợp", default=""),
    Field("reception_address", "text", "Địa chỉ tiếp nhận hồ sơ", default=""),
    Field("subjects", "text", "Đối tượng thực hiện", default=""),
    Field("conditions", "text", "Yêu cầu, điều kiện", default=""),
    Field("related_procedures", "text", "Thủ tục liên quan", default=""),
)
CASE_FIELDS = (
    Field("number", "case", "Số thứ tự trường hợp", required=True),
    Field("name", "text", "Tên trường hợp", required=True),
)
_CASE = Field("case", "case", "Trường hợp (số thứ tự)")
_CHANNEL = Field("channel", "choice", "Cách thức", default="", choices=Channel, blank=True)
COMPONENT_FIELDS = (
    _CASE,
    Field("name", "text", "Tên giấy tờ", required=True),
    Field("is_required", "bool", "Bắt buộc", required=True),
    Field("originals", "count", "Số bản chính", required=True),
    Field("copies", "count", "Số bản sao", required=True),
    Field("template_name", "text", "Mẫu đơn, tờ khai", default="", max_length=500),
    Field("reusable_kind", "text", "Loại giấy tờ tái sử dụng", default="", max_length=100),
    Field("form", "form", "Tờ khai điện tử (JSON)", max_length=None),
)
TIME_FIELDS = (
    _CASE, _CHANNEL,
    Field("processing_time", "positive", "Thời hạn giải quyết"),
    Field("time_unit", "choice", "Đơn vị thời hạn", choices=TimeUnit),
    Field("note", "text", "Mô tả", default=""),
)
FEE_FIELDS = (
    _CASE, _CHANNEL,
    Field("kind", "choice", "Loại", required=True, choices=Fee.Kind),
    Field("name", "text", "Tên phí, lệ phí", required=True),
    Field("basis", "choice", "Cách tính", required=True, choices=Fee.Basis),
    Field("amount", "amount", "Mức thu"),
    Field("currency", "text", "Đơn vị tiền", default="VND", max_length=3),
    Field("unit", "text", "Đơn vị tính", default="", max_length=100),
    Field("rate", "rate", "Tỷ lệ (%)"),
    Field("group", "count", "Nhóm lựa chọn", default=0),
    Field("valid_from", "date", "Áp dụng từ"),
    Field("valid_until", "date", "Áp dụng đến"),
    Field("note", "text", "Ghi chú", default=""),
)
RESULT_FIELDS = (
    Field("name", "text", "Tên kết quả", required=True),
    Field("code", "text", "Mã kết quả", default="", max_length=100),
    Field("template_name", "text", "Mẫu kết quả", default="", max_length=500),
    Field("is_electronic", "bool", "Kết quả điện tử", default=False),
)
PROCESS_FIELDS = (
    Field("agency", "agency", "Cơ quan áp dụng (trống: mọi cơ quan)"),
    Field("name", "text", "Tên quy trình", required=True, max_length=255),
)
STEP_FIELDS = (
    Field("name", "text", "Tên bước", required=True, max_length=255),
    Field("role", "choice", "Vai trò thực hiện", required=True, choices=Role),
    Field("division", "text", "Phòng, ban", default="", max_length=255),
    Field("share", "share", "Tỷ lệ thời gian (%)", required=True),
    Field("handled_by", "agency", "Cơ quan liên thông"),
)
# The rows of a version, in this order in the document and on their own Excel sheets.
PART_FIELDS = {"cases": CASE_FIELDS, "components": COMPONENT_FIELDS, "times": TIME_FIELDS,
               "fees": FEE_FIELDS, "results": RESULT_FIELDS}


# --- What a reader hands to the importer: raw values with where they came from.


@dataclass
class RawRow:
    where: str  # "procedures[3].version.fees[0]" or "Phí, lệ phí: dòng 7"
    data: dict
    labels: dict = field(default_factory=dict)  # field name -> what the reader calls it

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class RawProcess:
    row: RawRow
    steps: list[RawRow] = field(default_factory=list)


@dataclass
class RawProcedure:
    row: RawRow
    cases: list[RawRow] = field(default_factory=list)
    components: list[RawRow] = field(default_factory=list)
    times: list[RawRow] = field(default_factory=list)
    fees: list[RawRow] = field(default_factory=list)
    results: list[RawRow] = field(default_factory=list)
    processes: list[RawProcess] = field(default_factory=list)


@dataclass
class RawDocument:
    sectors: list[RawRow] = field(default_factory=list)
    procedures: list[RawProcedure] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # what the reader could not even parse


# --- Export: the current (published) version of every procedure, in the clean form.

CHUNK = 500


def plain(number: Decimal) -> Decimal:
    """5.0 -> 5 and 2.50 -> 2.5, never the exponent form normalize() gives for 70 (7E+1)."""
    number = number.normalize()
    return number.quantize(Decimal(1)) if number == number.to_integral_value() else number


def _values(obj, fields, case_number=None) -> dict:
    out = {}
    for f in fields:
        if f.kind == "case" and case_number is not None:
            out[f.name] = case_number.get(obj.case_id)
            continue
        # An agency's id, not the row: the caller maps ids to codes without a query.
        value = getattr(obj, f"{f.name}_id" if f.kind == "agency" else f.name)
        out[f.name] = plain(value) if isinstance(value, Decimal) else value
    return out


# Where each kind of row is on a prefetched version.
PART_RELATIONS = {"cases": "procedurecases", "components": "components",
                  "times": "channeltimes", "fees": "fees", "results": "resulttypes"}


def version_content(version: ProcedureVersion, agency_code: dict[int, str],
                    agency_ids: list[int]) -> dict:
    """The content of a version with prefetched parts (see export_document)."""
    content = _values(version, [f for f in VERSION_FIELDS if f.name != "agencies"])
    content["agencies"] = sorted(agency_code[pk] for pk in agency_ids)
    cases = list(version.procedurecases.all())
    content["cases"] = [{"number": i, "name": c.name} for i, c in enumerate(cases, start=1)]
    case_number = {c.pk: i for i, c in enumerate(cases, start=1)} | {None: None}
    for key, fields in PART_FIELDS.items():
        if key != "cases":
            content[key] = [_values(row, fields, case_number)
                            for row in getattr(version, PART_RELATIONS[key]).all()]
    processes = []
    for template in version.processes.all():
        steps = []
        for step in template.steps.all():
            row = _values(step, STEP_FIELDS)
            row["handled_by"] = agency_code.get(step.handled_by_id)
            steps.append(row)
        processes.append({"agency": agency_code.get(template.agency_id), "name": template.name,
                          "steps": steps})
    content["processes"] = sort_processes(processes)
    return content


def sort_processes(processes: list[dict]) -> list[dict]:
    return sorted(processes, key=lambda p: (p["agency"] is not None, p["agency"] or ""))


def prefetched_versions(version_ids) -> dict[int, ProcedureVersion]:
    ordered = ("order", "pk")
    versions = ProcedureVersion.objects.filter(pk__in=version_ids).prefetch_related(
        *(Prefetch(relation, model.objects.order_by(*ordered)) for relation, model in (
            ("procedurecases", ProcedureCase), ("components", Component),
            ("channeltimes", ChannelTime), ("fees", Fee), ("resulttypes", ResultType))),
        Prefetch("processes", ProcessTemplate.objects.prefetch_related(
            Prefetch("steps", ProcessStep.objects.order_by("order")))),
    )
    return {v.pk: v for v in versions}


def agency_codes() -> dict[int, str]:
    from tinhso.core.models import Agency

    return dict(Agency.objects.values_list("pk", "code"))


def procedure_contents(procedures: list[Procedure], codes: dict[int, str]) -> dict[int, dict]:
    """procedure pk -> content of its current version, fetched in chunks."""
    out = {}
    for start in range(0, len(procedures), CHUNK):
        chunk = procedures[start:start + CHUNK]
        ids = [p.current_version_id for p in chunk if p.current_version_id]
        versions = prefetched_versions(ids)
        # Plain pairs, not Agency objects: a commune procedure links to every commune.
        links: dict[int, list[int]] = {pk: [] for pk in ids}
        for version_id, agency_id in ProcedureVersion.agencies.through.objects.filter(
                procedureversion_id__in=ids).values_list("procedureversion_id", "agency_id"):
            links[version_id].append(agency_id)
        for p in chunk:
            if p.current_version_id:
                out[p.pk] = version_content(versions[p.current_version_id], codes,
                                            links[p.current_version_id])
    return out


def export_document(codes: list[str] | None = None) -> dict:
    procedures = Procedure.objects.filter(current_version__isnull=False).select_related("sector")
    if codes is not None:
        procedures = procedures.filter(code__in=codes)
    procedures = list(procedures.order_by("code"))
    contents = procedure_contents(procedures, agency_codes())
    sectors = Sector.objects.order_by("code")
    if codes is not None:
        sectors = sectors.filter(pk__in={p.sector_id for p in procedures})
    return {
        "sectors": [{"code": s.code, "name": s.name} for s in sectors],
        "procedures": [{"code": p.code, "name": p.name, "sector": p.sector.code,
                        "version": contents[p.pk]} for p in procedures],
    }
