"""The desk's receipt: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", a one-page PDF."""

import logging

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from tinhso.dossiers.models import Dossier

from . import fonts

TITLE = "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
# fpdf2 subsets the font with fontTools on every document; its INFO lines are noise here.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value else "—"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".") + " đồng"


def render(dossier: Dossier, officer_name: str) -> bytes:
    """The receipt of a received dossier (components, events' agency already loaded)."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=18)
    for style, path in fonts.noto_sans().items():
        pdf.add_font("Noto", style, str(path))
    pdf.set_title(f"{TITLE} {dossier.code}")
    pdf.set_lang("vi")
    pdf.set_creator("Tỉnh số")
    pdf.add_page()

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

    line(dossier.agency.name.upper(), style="B", align="C", gap=0)
    line(_("Bộ phận tiếp nhận và trả kết quả"), align="C", gap=6)
    line(TITLE.upper(), size=15, style="B", align="C", gap=1)
    line(_("Mã hồ sơ: %(code)s") % {"code": dossier.code}, size=13, style="B", align="C", gap=6)

    field(_("Thủ tục"), f"{dossier.procedure.name} ({dossier.procedure.code})")
    field(_("Chủ hồ sơ"), dossier.applicant_name)
    field(_("Số định danh / mã số thuế"), dossier.applicant_id_number)
    field(_("Điện thoại"), dossier.applicant_phone)
    field(_("Địa chỉ"), dossier.applicant_address)
    field(_("Kênh nộp"), dossier.get_channel_display())
    field(_("Tiếp nhận lúc"), _when(dossier.received_at))
    field(_("Ngày hẹn trả kết quả"), _when(dossier.due_at))
    if dossier.fees_owed:
        field(_("Phí, lệ phí phải nộp"), _money(dossier.fees_owed))

    line(_("Thành phần hồ sơ đã nhận:"), style="B", gap=1)
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
    line(_("Khi đến nhận kết quả, vui lòng mang theo giấy này và giấy tờ tùy thân. Tra cứu "
           "tình trạng hồ sơ trên Cổng dịch vụ công bằng mã hồ sơ."), size=10, gap=8)
    line(_("Người tiếp nhận"), style="B", align="R", gap=14)
    line(officer_name, align="R")
    return bytes(pdf.output())
