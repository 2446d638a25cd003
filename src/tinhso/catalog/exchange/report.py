"""The import's report as a reader wants it: the totals, then every refused procedure by code
with each of its problems, then the warnings (imported, but worth a look)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .importer import ImportReport

SUMMARY = (
    ("procedures_created", _("thủ tục mới")),
    ("versions_created", _("phiên bản mới công bố")),
    ("procedures_renamed", _("thủ tục đổi tên hoặc lĩnh vực")),
    ("unchanged", _("thủ tục không đổi")),
    ("refused", _("thủ tục bị từ chối")),
    ("warned", _("thủ tục có cảnh báo")),
    ("sectors_created", _("lĩnh vực mới")),
    ("sectors_renamed", _("lĩnh vực đổi tên")),
)


def _line(row: dict) -> str:
    where = ", ".join(x for x in (row["where"], row["field"]) if x)
    return f"    {where}: {row['message']}"


def _section(title: str, groups: dict[str, list[dict]]) -> list[str]:
    lines = [f"{title} ({len(groups)}):"] if groups else []
    for code in sorted(groups):
        lines.append(f"  {code or _('(cả tệp)')}")
        lines.extend(_line(row) for row in groups[code])
    return lines


def write_report(report: ImportReport, *, source: str, seconds: float) -> str:
    head = (_("Chạy thử (không ghi gì) danh mục từ %(source)s") if report.dry_run
            else _("Nhập danh mục từ %(source)s")) % {"source": source}
    lines = [f"{head} ({seconds:.1f} s):"]
    lines += [f"  {getattr(report, key)} {label}" for key, label in SUMMARY]
    lines += _section(_("Thủ tục bị từ chối, theo mã"), report.by_code(report.problems))
    lines += _section(_("Cảnh báo, theo mã"), report.by_code(report.warnings))
    return "\n".join(lines) + "\n"
