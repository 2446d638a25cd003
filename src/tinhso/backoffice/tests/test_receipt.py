"""The receipt PDF: Vietnamese text embedded with Noto Sans, read back from the file."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.backoffice import fonts, receipt
from tinhso.dossiers import lifecycle, selectors
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID
from tinhso.portal.tests.residence import residence_procedure


@pytest.fixture
def desk_dossier(login, province):
    client = login(province.officer)
    data = {"submission_token": "t1", "applicant_kind": "citizen",
            "applicant_name": "Nguyễn Thị Hường", "applicant_id_number": CITIZEN_ID,
            "applicant_address": "Phường Nông Trang, Việt Trì",
            f"received_{province.form.pk}": "on", f"digitized_{province.form.pk}": "on",
            f"file_{province.form.pk}": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf"),
            f"received_{province.id_copy.pk}": "on"}
    url = reverse("backoffice:intake_form", args=[province.procedure.code])
    assert client.post(url, data).status_code == 302
    return client, Dossier.objects.get()


def test_the_receipt_is_a_pdf_with_the_noto_font(desk_dossier):
    client, dossier = desk_dossier
    response = client.get(reverse("backoffice:receipt", args=[dossier.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert b"NotoSans" in response.content


def test_the_receipt_text_reads_back_in_vietnamese(desk_dossier):
    pypdf = pytest.importorskip("pypdf", reason="pypdf is the test-only PDF text reader")
    client, dossier = desk_dossier
    response = client.get(reverse("backoffice:receipt", args=[dossier.code]))
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert receipt.TITLE.upper() in text  # "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    assert dossier.code in text
    assert "Nguyễn Thị Hường" in text and "Phường Nông Trang, Việt Trì" in text
    assert "Tờ khai theo mẫu (đã số hóa)" in text and "Bản sao căn cước" in text
    assert "Ngày hẹn trả kết quả" in text
    due = dossier.due_at.astimezone(dossier.due_at.tzinfo)
    assert f"{due:%Y}" in text
    meta = pypdf.PdfReader(io.BytesIO(response.content)).metadata
    assert meta.title == f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {dossier.code}"


def test_no_receipt_before_receipt(login, province, make_dossier):
    dossier = make_dossier(Status.SUBMITTED)
    response = login(province.officer).get(reverse("backoffice:receipt", args=[dossier.code]))
    assert response.status_code == 302


def test_the_static_font_instances_are_cached(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    paths = fonts.noto_sans()
    assert set(paths) == {"", "B"}
    assert all(p.stat().st_size > 50_000 for p in paths.values())
    before = {p: p.stat().st_mtime_ns for p in paths.values()}
    assert fonts.noto_sans() == paths
    assert {p: p.stat().st_mtime_ns for p in paths.values()} == before


def test_the_receipt_names_the_case_and_its_statutory_time(province):
    pypdf = pytest.importorskip("pypdf", reason="pypdf is the test-only PDF text reader")
    home = residence_procedure([province.agency])
    dossier = lifecycle.intake(
        province.officer, procedure=home.procedure, agency=province.agency,
        case=home.own_home.pk, components=[ComponentInput("", home.declaration.pk),
                                           ComponentInput("", home.ownership.pk)],
        applicant=ApplicantInput("citizen", "Nguyễn Thị Hường", CITIZEN_ID))
    dossier = selectors.get_dossier_for(province.officer, dossier.code, details=True)
    text = pypdf.PdfReader(io.BytesIO(receipt.render(dossier, "Cán bộ"))).pages[0].extract_text()
    assert "Trường hợp: Đăng ký thường trú tại chỗ ở hợp pháp thuộc quyền sở hữu" in text
    assert "Thời hạn giải quyết: 7 ngày làm việc" in text
    assert "Phí, lệ phí phải nộp: 20.000 đồng" in text  # the desk's fee, not the online one
