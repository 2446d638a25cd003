"""The demo's signed results: real PAdES-signed PDFs for the returned dossiers a visitor
reaches.

Signing costs about half a second a result (the QR stamp, the leader's signature, the seal,
the check), so the year of bulk-seeded history (about 18,000 returned dossiers, whose results
the seeder writes without files) is not signed: only each demo agency's most recently returned
dossiers, the first ones its officials' lists show, get a result document and the leader's
signature through the lifecycle, as in the back office.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone
from fpdf import FPDF

from tinhso.core.fonts import noto_sans
from tinhso.core.models import User
from tinhso.core.roles import Role

from .. import lifecycle, result_signing
from ..models import Dossier, Status

PER_AGENCY = 5


def result_document(dossier: Dossier, name: str, number: str) -> bytes:
    """A one-page result as the agency would issue it, room left at the bottom for the QR
    code and the signatures."""
    pdf = FPDF(format="A4")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=70)
    for style, path in noto_sans().items():
        pdf.add_font("Noto", style, str(path))
    pdf.set_title(f"{name} {number}")
    pdf.set_lang("vi")
    pdf.add_page()

    def line(text, *, size=11, style="", align="L", gap=2.0):
        pdf.set_font("Noto", style, size)
        pdf.multi_cell(0, size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    line(dossier.agency.name.upper(), style="B", align="C", gap=0)
    line(f"Số: {number}" if number else "", align="C", gap=6)
    line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", style="B", align="C", gap=0)
    line("Độc lập - Tự do - Hạnh phúc", align="C", gap=8)
    line(name.upper(), size=15, style="B", align="C", gap=6)
    line(f"Thủ tục: {dossier.procedure.name}")
    line(f"Cấp cho: {dossier.applicant_name}")
    line(f"Hồ sơ số: {dossier.code}")
    when = timezone.localtime(dossier.finished_at or timezone.now())
    line(f"Ngày ban hành: {when:%d/%m/%Y}")
    line("Văn bản điện tử có chữ ký số của người có thẩm quyền và của cơ quan; kiểm tra tính "
         "xác thực bằng mã QR bên dưới.", size=9, gap=0)
    return bytes(pdf.output())


def sign_for_demo(dossier: Dossier, leader: User) -> int:
    """The dossier's electronic results get a result document (those without a file) and the
    leader's signature and seal. Returns how many results were signed."""
    for result in dossier.results.filter(is_electronic=True, file=""):
        result.file.save(f"ket-qua-{dossier.code}-{result.pk}.pdf",
                         ContentFile(result_document(dossier, result.name, result.number)))
    dossier = Dossier.objects.get(pk=dossier.pk)
    if not result_signing.awaiting(dossier):
        return 0
    count = len(result_signing.awaiting(dossier))
    lifecycle.sign_result(leader, dossier)
    return count


def leader_of(agency_id: int) -> User | None:
    return (User.objects.filter(agency_id=agency_id, is_active=True,
                                roles__role=Role.AGENCY_LEADER).order_by("username").first())


def sign_recent(per_agency: int = PER_AGENCY) -> tuple[int, int]:
    """The electronic results of each leader's agency's latest returned dossiers, signed.
    Returns (dossiers, results) signed. Safe to rerun: what is signed stays as it is."""
    dossiers = results = 0
    agency_ids = sorted(set(User.objects.filter(
        is_active=True, agency__isnull=False, roles__role=Role.AGENCY_LEADER)
        .values_list("agency_id", flat=True)))
    for agency_id in agency_ids:
        leader = leader_of(agency_id)
        recent = (Dossier.objects.filter(agency_id=agency_id, status=Status.RETURNED,
                                         results__is_electronic=True)
                  .select_related("agency", "procedure").distinct()
                  .order_by("-returned_at")[:per_agency])
        for dossier in recent:
            signed = sign_for_demo(dossier, leader)
            dossiers += bool(signed)
            results += signed
    return dossiers, results
