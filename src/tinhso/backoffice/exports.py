"""The filtered dossier list as an Excel workbook (write-only, bounded, header in Vietnamese)."""

import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from tinhso.core.spreadsheets import row
from tinhso.dossiers.models import Status
from tinhso.dossiers.selectors import CLOCK_RUNNING

MAX_ROWS = 50_000  # a bigger list is cut; the last row says so


def headers() -> list[str]:
    return [_("Mã hồ sơ"), _("Mã thủ tục"), _("Tên thủ tục"), _("Chủ hồ sơ"),
            _("Số định danh / mã số thuế"), _("Trạng thái"), _("Kênh nộp"),
            _("Ngày tiếp nhận"), _("Ngày hẹn trả"), _("Ngày kết thúc xử lý"),
            _("Cơ quan tiếp nhận"), _("Cơ quan đang xử lý"), _("Quá hạn")]


def _local(value):
    # Excel has no time zones: write the wall-clock time of Asia/Ho_Chi_Minh.
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def write(qs, out) -> int:
    """Write the rows of `qs` (a scoped, filtered queryset) to the file object `out`."""
    now = timezone.now()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Hồ sơ"))
    ws.append(row(ws, headers()))
    rows = 0
    labels = dict(Status.choices)
    for d in qs.select_related("procedure", "agency", "current_agency").iterator(
            chunk_size=2000):
        if rows == MAX_ROWS:
            ws.append(row(ws, [_("Danh sách bị cắt ở %(n)s dòng; hãy lọc hẹp hơn.")
                               % {"n": MAX_ROWS}]))
            break
        late = d.status in CLOCK_RUNNING and d.due_at is not None and d.due_at < now
        # Names come from applicants: written as text, never as a formula.
        ws.append(row(ws, [d.code, d.procedure.code, d.procedure.name, d.applicant_name,
                           d.applicant_id_number, str(labels.get(d.status, d.status)),
                           d.get_channel_display(), _local(d.received_at), _local(d.due_at),
                           _local(d.finished_at), d.agency.name, d.current_agency.name,
                           _("Có") if late else _("Không")]))
        rows += 1
    wb.save(out)
    return rows


def workbook_file(qs):
    """The workbook in a temporary file (spilled to disk past a few MB), rewound."""
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    write(qs, out)
    out.seek(0)
    return out
