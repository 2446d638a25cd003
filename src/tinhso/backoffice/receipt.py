"""The receipt of a dossier, a one-page PDF: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" once
received (the desk prints it; the applicant downloads it from the portal), and before that,
for a dossier filed online, "Giấy xác nhận nộp hồ sơ trực tuyến" with the expected due date.
Both carry a QR code of the public tracking page (dossiers.codes.tracking_url), drawn as
the code's dark modules, and that address in words.
"""

import logging

import qrcode
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from tinhso.core.timeunits import time_text
from tinhso.dossiers.codes import tracking_url
from tinhso.dossiers.models import Dossier
from tinhso.dossiers.selectors import expected_due
from tinhso.dossiers.transitions import Action

from . import fonts

TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
TITLE_FILED = "Giấy xác nhận nộp hồ sơ trực tuyến"
QR_SIZE = 28  # mm, top right of the page; its quiet zone is the page's white margin
# fpdf2 subsets the font with fontTools on every document; its INFO lines are noise here.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value else "—"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of `text` (error correction M), dark modules True, without its border."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text)
    code.make(fit=True)
    return code.get_matrix()


def draw_qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The QR code of `text` as filled rectangles (each row's runs of dark modules), linked
    to `text`: sharp at any zoom or print, and nothing to decode to check it."""
    matrix = qr_matrix(text)
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if not cells[col]:
                col += 1
                continue
            end = col
            while end < len(cells) and cells[end]:
                end += 1
            pdf.rect(x + col * module, y + row * module, (end - col) * module, module,
                     style="F")
            col = end
    pdf.link(x, y, size, size, text)


def render(dossier: Dossier, officer_name: str | None = None) -> bytes:
    """The receipt of a dossier (components, events' agency already loaded): received, or
    filed online and waiting to be received. `officer_name`: who received it (by default the
    name on its receipt event)."""
    received = dossier.received_at is not None
    title = TITLE if received else TITLE_FILED
    url = tracking_url(dossier.code)
    if officer_name is None:
        officer_name = next((e.actor_name for e in dossier.events.all()
                             if e.action == Action.RECEIVE), "")
    pdf = fonts.a4_page(f"{title} {dossier.code}")

    def line(text, *, size=11, style="", align="L", gap=1.5):
        pdf.set_font("Noto", style, size)
        pdf.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    def field(label, value):
        pdf.set_font("Noto", "B", 11)
        pdf.write(5.5, f"{label}: ")
        pdf.set_font("Noto", "", 11)
        pdf.write(5.5, str(value or "—"))
        pdf.ln(7)

    draw_qr(pdf, url, pdf.w - pdf.r_margin - QR_SIZE, pdf.t_margin, QR_SIZE)
    # The agency's block beside the code (top left, as on an official paper), then the title
    # across the page below them.
    pdf.set_right_margin(20 + QR_SIZE + 4)
    line(dossier.agency.name.upper(), style="B", align="C", gap=0)
    line(_("Bộ phận tiếp nhận và trả kết quả"), align="C", gap=0)
    pdf.set_right_margin(20)
    pdf.set_y(max(pdf.get_y() + 6, pdf.t_margin + QR_SIZE + 4))  # back at the left margin
    line(title.upper(), size=15, style="B", align="C", gap=1)
    line(_("Mã hồ sơ: %(code)s") % {"code": dossier.code}, size=13, style="B", align="C", gap=6)

    field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})")
    if dossier.case_id:
        field(_("Trường hợp"), dossier.case.name)
    field(_("Chủ hồ sơ"), dossier.applicant_name)
    field(_("Số định danh / mã số thuế"), dossier.applicant_id_number)
    field(_("Điện thoại"), dossier.applicant_phone)
    field(_("Địa chỉ"), dossier.applicant_address)
    field(_("Kênh nộp"), dossier.get_channel_display())
    if received:
        field(_("Tiếp nhận lúc"), _when(dossier.received_at))
    else:
        field(_("Nộp lúc"), _when(dossier.submitted_at))
    field(_("Thời hạn giải quyết"), time_text(dossier.processing_time, dossier.time_unit))
    if received:
        field(_("Ngày hẹn trả kết quả"), _when(dossier.due_at))
    else:
        field(_("Ngày hẹn trả dự kiến"),
              _("%(when)s (ngày chính thức được ghi khi cơ quan tiếp nhận hồ sơ)")
              % {"when": _when(expected_due(dossier))})
    if dossier.fees_owed:
        field(_("Phí, lệ phí phải nộp"), _money(dossier.fees_owed))

    line(_("Thành phần hồ sơ đã nhận:") if received else _("Thành phần hồ sơ đã nộp:"),
         style="B", gap=1)
    papers = [c for c in dossier.components.all() if not c.is_supplement]
    for number, paper in enumerate(papers, 1):
        marks = [_("đã số hóa")] if paper.is_digitized else []
        if paper.reused_from:
            marks.append(_("tái sử dụng dữ liệu"))
        suffix = f" ({', '.join(marks)})" if marks else ""
        line(f"{number}. {paper.name}{suffix}", gap=0.5)
    if not papers:
        line(_("(Không có giấy tờ)"), gap=0.5)
    pdf.ln(6)
    if received:
        line(_("Khi đến nhận kết quả, vui lòng mang theo giấy này và giấy tờ tùy thân. Tra "
               "cứu tình trạng hồ sơ trên Cổng dịch vụ công bằng mã hồ sơ."), size=10, gap=2)
    else:
        line(_("Hồ sơ đã được nộp trực tuyến và đang chờ cơ quan tiếp nhận kiểm tra; kết quả "
               "tiếp nhận được thông báo qua điện thoại hoặc thư điện tử."), size=10, gap=2)
    line(_("Quét mã QR hoặc mở địa chỉ sau để tra cứu tình trạng hồ sơ:"), size=10, gap=0.5)
    line(url, size=10, gap=8)
    if received:
        line(_("Người tiếp nhận"), style="B", align="R", gap=14)
        line(officer_name, align="R")
    return bytes(pdf.output())
