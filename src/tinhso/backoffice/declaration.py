"""A filed e-form (tờ khai điện tử): its lines for the dossier page, and its PDF declaration.

The values are the dossier paper's `form_data`; the labels are its component's form, which is
frozen with the procedure version the dossier was filed under.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.catalog import forms_schema, frozen
from tinhso.dossiers.models import Dossier, DossierComponent

from . import fonts

logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


@dataclass(frozen=True)
class FiledForm:
    paper: DossierComponent
    title: str
    source: str
    lines: list[forms_schema.Line]


def filed_forms(dossier: Dossier) -> dict[int, FiledForm]:
    """paper id -> its filed form, for the dossier's papers that carry one."""
    catalogue = frozen.parts_of(dossier.procedure_version).components
    out = {}
    for paper in dossier.components.all():
        component = catalogue.get(paper.component_id)
        if paper.form_data is None or component is None or not component.form:
            continue
        form = component.form
        out[paper.pk] = FiledForm(paper, form.get("title", component.name),
                                  form.get("source", ""),
                                  forms_schema.lines(form, paper.form_data))
    return out


def render(dossier: Dossier, filed: FiledForm) -> bytes:
    """The declaration as a PDF: the form's title, the dossier, every field with its value."""
    pdf = fonts.a4_page(f"{filed.title} {dossier.code}")

    def line(text, *, size=11, style="", align="L", gap=1.5, indent=0):
        pdf.set_font("Noto", style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(_("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), style="B", align="C", gap=0)
    line(_("Độc lập - Tự do - Hạnh phúc"), style="B", align="C", gap=6)
    line(filed.title.upper(), size=14, style="B", align="C", gap=1)
    if filed.source:
        line(f"({filed.source})", size=9, align="C", gap=2)
    line(_("Kính gửi: %(agency)s") % {"agency": dossier.agency.name}, align="C", gap=5)
    line(_("Hồ sơ %(code)s · %(procedure)s") % {"code": dossier.code,
                                                 "procedure": dossier.procedure.name},
         size=9, gap=4)
    for item in filed.lines:
        indent = 8 * item.depth
        if item.heading:
            text = f"{item.label}: {item.text}" if item.text else item.label
            line(text, style="B", indent=indent, gap=1)
            continue
        pdf.set_x(pdf.l_margin + indent)
        pdf.set_font("Noto", "B", 11)
        pdf.write(5.5, f"{item.label}: ")
        pdf.set_font("Noto", "", 11)
        pdf.write(5.5, item.text or "—")
        pdf.ln(7)
    pdf.ln(4)
    line(_("Tôi cam đoan nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước "
           "pháp luật về cam đoan của mình."), size=10, gap=4)
    submitted = timezone.localtime(dossier.submitted_at).strftime("%d/%m/%Y")
    line(_("Khai trực tuyến ngày %(date)s") % {"date": submitted}, align="R", size=10, gap=1)
    line(_("NGƯỜI KHAI"), style="B", align="R", gap=1)
    line(dossier.applicant_name, align="R")
    return bytes(pdf.output())
