"""The citizen's side of issue 14 (5): the receipt PDF with its tracking QR code, and asking to
withdraw a dossier, which the receiving agency's desk accepts or declines."""

import io
import re

import pypdf
import pytest
from django.urls import reverse

from tinhso.backoffice import receipt
from tinhso.dossiers.codes import tracking_url
from tinhso.dossiers.models import Status, WithdrawalRequest

pytestmark = pytest.mark.django_db


# --- The receipt and its QR code.


def qr_drawn(pdf_bytes: bytes) -> list[list[bool]]:
    """The QR matrix as drawn on the first page: its filled rectangles ("x y w h re f"), read
    back on a grid of the module's size (the smallest height among them)."""
    page = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    content = page.get_contents().get_data().decode("latin-1")
    rects = [tuple(float(v) for v in m.groups()) for m in re.finditer(
        r"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re f", content)]
    assert rects, "no filled rectangle on the page"
    module = min(abs(h) for *_, h in rects)
    # fpdf2 writes y upwards from the bottom with a negative height: a rectangle's top is y.
    left = min(x for x, *_ in rects)
    top = max(y for _, y, *_ in rects)
    size = round((max(x + w for x, _, w, _ in rects) - left) / module)
    matrix = [[False] * size for _ in range(size)]
    for x, y, w, _h in rects:
        row, col = round((top - y) / module), round((x - left) / module)
        for c in range(col, col + round(w / module)):
            matrix[row][c] = True
    return matrix


def link_targets(pdf_bytes: bytes) -> list[str]:
    page = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[0]
    return [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]


def test_the_citizen_downloads_a_receipt_whose_qr_code_opens_the_tracking_page(
        login, province, make_dossier, settings):
    settings.TINHSO_SITE_URL = "https://dichvucong.phutho.example.vn"
    dossier = make_dossier(Status.SUBMITTED)
    client = login(province.citizen)
    page = client.get(reverse("portal:receipt", args=[dossier.code])).content.decode()
    pdf_url = reverse("portal:receipt_pdf", args=[dossier.code])
    assert f'href="{pdf_url}"' in page  # from the filing's confirmation
    response = client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"bien-nhan-{dossier.code}.pdf" in response["Content-Disposition"]
    url = f"https://dichvucong.phutho.example.vn/track/?code={dossier.code}"
    assert tracking_url(dossier.code) == url
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert receipt.TITLE_FILED.upper() in text and dossier.code in text
    assert "Ngày hẹn trả dự kiến" in text and url in text
    # The code drawn is the code of that address, module for module, and it links there.
    assert qr_drawn(response.content) == receipt.qr_matrix(url)
    assert link_targets(response.content) == [url]
    # And from "my dossier" too; another citizen gets nothing.
    mine = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert f'href="{pdf_url}"' in mine
    assert login(province.other_citizen).get(pdf_url).status_code == 404


def test_a_received_dossier_has_the_appointment_receipt_with_the_same_code(
        login, province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    body = login(province.citizen).get(reverse("portal:receipt_pdf",
                                               args=[dossier.code])).content
    text = pypdf.PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert receipt.TITLE.upper() in text and "Ngày hẹn trả kết quả" in text
    assert province.officer.full_name in text or province.officer.username in text
    assert qr_drawn(body) == receipt.qr_matrix(tracking_url(dossier.code))
    # The desk prints the same receipt, QR code included.
    desk = login(province.officer).get(reverse("backoffice:receipt", args=[dossier.code]))
    assert qr_drawn(desk.content) == receipt.qr_matrix(tracking_url(dossier.code))


def test_the_tracking_page_fills_in_the_code_from_the_qr_address(client, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    html = client.get(reverse("portal:track"), {"code": dossier.code}).content.decode()
    assert f'value="{dossier.code}"' in html
    assert "Trần Văn Dân" not in html  # nothing shown before the second fact


# --- Withdrawing.


def test_the_citizen_asks_the_desk_accepts_and_the_citizen_sees_status_7(
        login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    citizen = login(province.citizen)
    mine = reverse("portal:my_dossier", args=[dossier.code])
    assert 'id="withdraw-form"' in citizen.get(mine).content.decode()
    ask = reverse("portal:withdraw", args=[dossier.code])
    refused = citizen.post(ask, {"reason": ""})
    assert refused.status_code == 400
    assert "Vui lòng nêu lý do rút hồ sơ." in refused.content.decode()
    assert citizen.post(ask, {"reason": "Đã nộp ở nơi khác"})["Location"] == mine
    assert citizen.post(ask, {"reason": "Bấm hai lần"}).status_code == 302
    request = WithdrawalRequest.objects.get(dossier=dossier)  # one, however often asked
    page = citizen.get(mine).content.decode()
    assert 'id="withdrawal-waiting"' in page and 'id="withdraw-form"' not in page

    # The back office shows the request; the one-stop officer decides, a specialist only sees.
    office = reverse("backoffice:dossier", args=[dossier.code])
    seen = login(province.specialist).get(office).content.decode()
    assert "Đã nộp ở nơi khác" in seen and 'id="withdrawal-accept"' not in seen
    officer = login(province.officer)
    shown = officer.get(office).content.decode()
    assert 'id="withdrawal-request"' in shown and 'id="withdrawal-accept"' in shown
    accept = reverse("backoffice:withdrawal_accept", args=[dossier.code, request.pk])
    assert officer.get(accept).status_code == 405  # a decision is a POST
    assert officer.post(accept)["Location"] == office
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN

    page = citizen.get(mine).content.decode()
    assert "Công dân yêu cầu rút hồ sơ" in page
    assert 'data-state="accepted"' in page and 'id="withdraw-form"' not in page
    assert "Hồ sơ đã được rút theo đề nghị của người nộp." in page  # the timeline


def test_the_desk_declines_and_the_citizen_reads_why(login, province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    citizen = login(province.citizen)
    citizen.post(reverse("portal:withdraw", args=[dossier.code]), {"reason": "Thôi"})
    request = WithdrawalRequest.objects.get(dossier=dossier)
    officer = login(province.officer)
    decline = reverse("backoffice:withdrawal_decline", args=[dossier.code, request.pk])
    assert "Lý do công dân đề nghị rút" in officer.get(decline).content.decode()
    assert officer.post(decline, {"reason": ""}).status_code == 400
    officer.post(decline, {"reason": "Đã có quyết định giải quyết"})
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    page = citizen.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert 'data-state="declined"' in page and "Đã có quyết định giải quyết" in page
    assert 'id="withdraw-form"' in page  # may ask again
