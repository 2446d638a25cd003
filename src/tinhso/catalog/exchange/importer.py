"""Import of a catalogue document: every procedure without a problem is written, in one
transaction; every procedure with one is refused whole and reported under its code.

A procedure that is new gets a published version 1; one whose content differs from its
current version gets a new published version (the old one retires); one whose content is the
same gets nothing, so importing the same file twice writes nothing the second time. A dry run
does all of it and rolls back, so it reports exactly what a real run would change.
"""

from __future__ import annotations

import lzma
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import audit
from tinhso.core.models import Agency
from tinhso.core.text import fold

from .. import services
from ..errors import ImportInvalid
from ..models import (
    ChannelTime,
    Component,
    Fee,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from . import excel_format, json_format
from .cleaning import Cleaner
from .document import CHUNK, RawDocument, procedure_contents

BATCH = 1000
# Rows of a version that belong to one of its cases (or to all), and those that do not.
CASE_PARTS = {"components": Component, "times": ChannelTime, "fees": Fee}
PART_MODELS = {**CASE_PARTS, "results": ResultType}
Status = ProcedureVersion.Status


@dataclass
class ImportReport:
    sectors_created: int = 0
    sectors_renamed: int = 0
    procedures_created: int = 0
    procedures_renamed: int = 0
    versions_created: int = 0
    unchanged: int = 0
    refused: int = 0
    warned: int = 0
    dry_run: bool = False
    problems: list = field(default_factory=list, repr=False)  # refusals, with their code
    warnings: list = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("problems", "warnings")}

    def by_code(self, rows: list[dict]) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for row in rows:
            out.setdefault(row["code"] or "", []).append(row)
        return out


def read_file(path: str | Path) -> RawDocument:
    """A .json or .xlsx file, or either compressed with xz (.json.xz)."""
    path = Path(path)
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    packed = suffixes[-1:] == [".xz"]
    kind = suffixes[-2] if packed and len(suffixes) == 2 else suffixes[-1] if suffixes else ""
    reader = {".json": json_format.read, ".xlsx": excel_format.read}.get(kind)
    if reader is None:
        raise ImportInvalid(_("Chỉ nhận tệp .json hoặc .xlsx (có thể nén .xz)."),
                            code="unsupported_format")
    data = path.read_bytes()
    if packed:
        try:
            data = lzma.decompress(data)
        except lzma.LZMAError as exc:
            raise ImportInvalid(_("Không giải nén được tệp .xz: %s") % exc,
                                code="unsupported_format") from None
    return reader(data)


def import_file(user, path: str | Path, *, dry_run: bool = False) -> ImportReport:
    return import_document(user, read_file(path), dry_run=dry_run)


def import_document(user, raw: RawDocument, *, dry_run: bool = False) -> ImportReport:
    """Write the valid procedures; the report lists the refused ones with every problem.

    Raises ImportInvalid only when nothing could be read at all (not a catalogue file).
    """
    services.ensure_can_manage(user)
    with transaction.atomic():
        cleaner = Cleaner()
        document = cleaner.document(raw)
        if not document["procedures"] and not document["sectors"] and cleaner.problems:
            raise ImportInvalid(
                _("Tệp danh mục có %d lỗi; chưa ghi dữ liệu nào.") % len(cleaner.problems),
                details=cleaner.problems,
            )
        report = _write(document)
        report.dry_run = dry_run
        report.problems, report.warnings = cleaner.problems, cleaner.warnings
        report.refused = len({p["code"] for p in cleaner.problems if p["code"]})
        report.warned = len({w["code"] for w in cleaner.warnings})
        if dry_run:
            transaction.set_rollback(True)
        else:
            audit.record("catalog.import", actor=services._audit_actor(user),
                         target=("catalog.procedure", ""), data=report.as_dict())
    return report


def _write(document: dict) -> ImportReport:
    report = ImportReport()
    sectors = _write_sectors(document["sectors"], report)
    existing = {}
    codes = [item["code"] for item in document["procedures"]]
    for start in range(0, len(codes), CHUNK):
        for p in Procedure.objects.filter(code__in=codes[start:start + CHUNK]):
            existing[p.code] = p
    agency_ids = dict(Agency.objects.values_list("code", "pk"))
    contents = procedure_contents(list(existing.values()), {v: k for k, v in agency_ids.items()})
    created, renamed, pending = [], [], []
    for item in document["procedures"]:
        sector = sectors[item["sector"]]
        procedure = existing.get(item["code"])
        if procedure is None:
            procedure = Procedure(code=item["code"], name=item["name"],
                                  search_name=fold(item["name"]), sector=sector)
            created.append(procedure)
        elif procedure.name != item["name"] or procedure.sector_id != sector.pk:
            procedure.name, procedure.search_name = item["name"], fold(item["name"])
            procedure.sector = sector
            renamed.append(procedure)
        if procedure.pk is not None and contents.get(procedure.pk) == item["version"]:
            report.unchanged += 1
        else:
            pending.append((procedure, item["version"]))
    Procedure.objects.bulk_create(created, batch_size=BATCH)
    Procedure.objects.bulk_update(renamed, ["name", "search_name", "sector"], batch_size=BATCH)
    report.procedures_created, report.procedures_renamed = len(created), len(renamed)
    if pending:
        _write_versions(pending, agency_ids)
    report.versions_created = len(pending)
    return report


def _write_sectors(rows: list[dict], report: ImportReport) -> dict[str, Sector]:
    sectors = {s.code: s for s in Sector.objects.all()}
    new, renamed = [], []
    for row in rows:
        sector = sectors.get(row["code"])
        if sector is None:
            sectors[row["code"]] = sector = Sector(code=row["code"], name=row["name"],
                                                   search_name=fold(row["name"]))
            new.append(sector)
        elif sector.name != row["name"]:
            sector.name, sector.search_name = row["name"], fold(row["name"])
            renamed.append(sector)
    Sector.objects.bulk_create(new, batch_size=BATCH)
    Sector.objects.bulk_update(renamed, ["name", "search_name"], batch_size=BATCH)
    report.sectors_created, report.sectors_renamed = len(new), len(renamed)
    return sectors


def _insert_links(links: list[tuple[int, int]]) -> None:
    """Version-agency rows with one executemany: 120,000 of them are normal for a province."""
    through = ProcedureVersion.agencies.through
    quote = connection.ops.quote_name
    table = quote(through._meta.db_table)
    version_col = quote(through._meta.get_field("procedureversion").column)
    agency_col = quote(through._meta.get_field("agency").column)
    # Names from the model's own meta, quoted: nothing from the imported file is spliced in.
    head = f"INSERT INTO {table} ({version_col}, {agency_col})"
    size = BATCH * 20
    with connection.cursor() as cursor:
        for start in range(0, len(links), size):
            chunk = links[start:start + size]
            if connection.vendor == "postgresql":
                # One statement per chunk: PostgreSQL unnests two arrays into rows.
                sql = f"{head} SELECT * FROM unnest(%s::bigint[], %s::bigint[])"  # noqa: S608
                cursor.execute(sql, [[v for v, _a in chunk], [a for _v, a in chunk]])
            else:  # SQLite: executemany is a C loop over one prepared statement
                cursor.executemany(f"{head} VALUES (%s, %s)", chunk)


def _write_versions(pending: list[tuple[Procedure, dict]], agency_ids: dict[str, int]) -> None:
    now = timezone.now()
    procedure_ids = [p.pk for p, _content in pending]
    numbers = {}
    for start in range(0, len(procedure_ids), CHUNK):
        numbers.update(ProcedureVersion.objects
                       .filter(procedure_id__in=procedure_ids[start:start + CHUNK])
                       .values("procedure_id").annotate(n=Max("number"))
                       .values_list("procedure_id", "n"))
    scalar = services.CONTENT_FIELDS
    versions = [
        ProcedureVersion(procedure=p, number=numbers.get(p.pk, 0) + 1, status=Status.PUBLISHED,
                         published_at=now, **{f: content[f] for f in scalar})
        for p, content in pending
    ]
    ProcedureVersion.objects.bulk_create(versions, batch_size=BATCH)

    cases_of = []
    for version, (_p, content) in zip(versions, pending, strict=True):
        cases_of.append([ProcedureCase(version=version, order=i, name=case["name"],
                                       search_name=fold(case["name"]))
                         for i, case in enumerate(content["cases"])])
    ProcedureCase.objects.bulk_create([c for cases in cases_of for c in cases],
                                      batch_size=BATCH)

    links, parts, templates, steps_of = [], {key: [] for key in PART_MODELS}, [], []
    for version, cases, (_p, content) in zip(versions, cases_of, pending, strict=True):
        links += [(version.pk, agency_ids[code]) for code in content["agencies"]]
        for key, model in PART_MODELS.items():
            for i, row in enumerate(content[key]):
                values = dict(row)
                if key in CASE_PARTS:  # case numbers count from 1
                    number = values.pop("case")
                    values["case"] = cases[number - 1] if number else None
                parts[key].append(model(version=version, order=i, **values))
        for process in content["processes"]:
            templates.append(ProcessTemplate(
                version=version, name=process["name"],
                agency_id=agency_ids[process["agency"]] if process["agency"] else None))
            steps_of.append(process["steps"])
    _insert_links(links)
    for key, model in PART_MODELS.items():
        model.objects.bulk_create(parts[key], batch_size=BATCH)
    ProcessTemplate.objects.bulk_create(templates, batch_size=BATCH)
    ProcessStep.objects.bulk_create([
        ProcessStep(template=template, order=i, name=s["name"], role=s["role"],
                    division=s["division"], share=s["share"],
                    handled_by_id=agency_ids[s["handled_by"]] if s["handled_by"] else None)
        for template, steps in zip(templates, steps_of, strict=True)
        for i, s in enumerate(steps, start=1)
    ], batch_size=BATCH)

    new_ids = {v.pk for v in versions}
    for start in range(0, len(procedure_ids), CHUNK):
        # Queryset update: the retirement transition the model guard allows publish to make.
        (ProcedureVersion.objects
         .filter(procedure_id__in=procedure_ids[start:start + CHUNK], status=Status.PUBLISHED)
         .exclude(pk__in=new_ids).update(status=Status.RETIRED))
    for (procedure, _content), version in zip(pending, versions, strict=True):
        procedure.current_version = version
    Procedure.objects.bulk_update([p for p, _c in pending], ["current_version"],
                                  batch_size=BATCH)
