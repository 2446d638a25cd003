"""The catalogue as JSON; rows are located by index paths: procedures[3].version.fees[0]."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from .document import (
    FORMAT,
    FORMAT_VERSION,
    PART_FIELDS,
    VERSION_FIELDS,
    RawDocument,
    RawProcedure,
    RawProcess,
    RawRow,
)


def _default(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def dump(document: dict) -> bytes:
    body = {"format": FORMAT, "format_version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(timespec="seconds"), **document}
    return json.dumps(body, ensure_ascii=False, indent=1, default=_default).encode("utf-8")


def _problem(where: str, message: str) -> dict:
    return {"where": where, "field": "", "message": message}


def _rows(container: dict, key: str, prefix: str, problems: list) -> list[tuple[str, dict]]:
    items = container.get(key, [])
    if not isinstance(items, list):
        problems.append(_problem(f"{prefix}{key}", _("Phải là một danh sách.")))
        return []
    out = []
    for i, item in enumerate(items):
        where = f"{prefix}{key}[{i}]"
        if isinstance(item, dict):
            out.append((where, item))
        else:
            problems.append(_problem(where, _("Phải là một đối tượng JSON.")))
    return out


def read(data: bytes) -> RawDocument:
    doc = RawDocument()
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        doc.problems.append(_problem("$", _("Tệp không phải JSON hợp lệ: %s") % exc))
        return doc
    if not isinstance(body, dict):
        doc.problems.append(_problem("$", _("Tệp phải là một đối tượng JSON.")))
        return doc
    if body.get("format", FORMAT) != FORMAT:
        doc.problems.append(_problem("format", _("Không phải tệp danh mục thủ tục tinhso.")))
        return doc
    if body.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        doc.problems.append(_problem("format_version", _(
            "Tệp theo định dạng phiên bản %(got)s; hệ thống đọc phiên bản %(want)s."
        ) % {"got": body.get("format_version"), "want": FORMAT_VERSION}))
        return doc
    doc.sectors = [RawRow(where, item) for where, item in
                   _rows(body, "sectors", "", doc.problems)]
    version_labels = {f.name: f"version.{f.name}" for f in VERSION_FIELDS}
    for where, item in _rows(body, "procedures", "", doc.problems):
        version = item.get("version") or {}
        if not isinstance(version, dict):
            doc.problems.append(_problem(f"{where}.version", _("Phải là một đối tượng JSON.")))
            version = {}
        flat = {k: v for k, v in item.items() if k != "version"}
        flat.update({k: v for k, v in version.items() if k not in (*PART_FIELDS, "processes")})
        proc = RawProcedure(RawRow(where, flat, version_labels))
        prefix = f"{where}.version."
        for key in PART_FIELDS:
            setattr(proc, key, [RawRow(w, it) for w, it in
                                _rows(version, key, prefix, doc.problems)])
        for number, case in enumerate(proc.cases, start=1):  # numbered by position if not
            case.data.setdefault("number", number)
        for pwhere, process in _rows(version, "processes", prefix, doc.problems):
            head = {k: v for k, v in process.items() if k != "steps"}
            steps = [RawRow(w, it) for w, it in _rows(process, "steps", f"{pwhere}.",
                                                      doc.problems)]
            proc.processes.append(RawProcess(RawRow(pwhere, head), steps))
        doc.procedures.append(proc)
    return doc
