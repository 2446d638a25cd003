"""A citizen's signed result verified on the public page from its QR code, in a real browser.

The agency's leader signs the dossier's electronic result in the back office (signature, then
the agency's seal); the citizen's copy of the PDF carries a QR code whose address (read from
the file: the link laid over the QR code carries it) is opened on a 360 px phone with no
sign-in: the file is authentic and unaltered, signed by the leader and sealed by the agency.
A copy with one byte changed, uploaded on the same page, is judged altered; a picture is
refused in plain words. No Content-Security-Policy violation, no serious accessibility issue.

The small province of the dossier tests is used (tinhso.dossiers.tests.conftest)."""

import io

import pypdf
import pytest
from django.core.files.base import ContentFile

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import LEADER, drive, province, submit_online  # noqa: F401
from tinhso.signing.testing import make_pki, result_pdf, use_pki

from .accessibility import assert_accessible
from .journey import fits, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEADER_PASSWORD = "mat-khau-lanh-dao-2026"


def qr_address(pdf_bytes: bytes) -> str:
    """The address of the QR code on the last page: the link annotation laid over it."""
    page = pypdf.PdfReader(io.BytesIO(pdf_bytes)).pages[-1]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])
             if a.get_object().get("/Subtype") == "/Link"]
    assert len(links) == 1, links
    return str(links[0])


def test_a_signed_result_is_verified_from_its_qr_code(live_server, desktop, phone, shot,
                                                      tmp_path, settings, province):  # noqa: F811
    use_pki(settings, make_pki(tmp_path / "pki", officials=[LEADER]))
    leader = province.leader
    leader.set_password(LEADER_PASSWORD)
    leader.save(update_fields=["password"])
    dossier = drive(province, submit_online(province), Status.PROCESSING)
    dossier = lifecycle.finish(province.specialist, dossier, results=[ResultInput(
        "Giấy phép xây dựng", "12/GPXD", is_electronic=True,
        file=ContentFile(result_pdf(body="Cấp cho ông Trần Văn Dân."), name="gpxd.pdf"))])
    base = live_server.url
    violations = []
    for page in (desktop, phone):
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)

    # The leader signs it from the dossier page.
    sign_in(desktop, base, leader.username, LEADER_PASSWORD)
    desktop.goto(f"{base}/office/dossiers/{dossier.code}/")
    desktop.locator("#action-sign_result").click()
    assert_accessible(desktop, "back office: confirm signing")
    shot(desktop, "leader-confirm-signing")
    desktop.get_by_role("button", name="Ký số và đóng dấu").click()
    desktop.wait_for_url(f"**/office/dossiers/{dossier.code}/")
    assert "Đã ký số kết quả" in desktop.locator("#messages").inner_text()
    assert "Kết quả điện tử đã ký số" in desktop.locator("#results").inner_text()
    shot(desktop, "leader-signed")
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.has_electronic_result

    # The citizen's copy: its QR code opens the public page of its short code.
    copy = dossier.results.get().file.read()
    address = qr_address(copy)
    assert address.startswith(f"{base}/verify/")
    code = address.rsplit("/", 1)[-1]
    answer = phone.goto(address)
    assert answer.status == 200
    verdict = phone.locator("#verdict")
    assert verdict.get_attribute("data-verdict") == "valid"
    assert "Văn bản xác thực, còn nguyên vẹn" in verdict.inner_text()
    signatures = phone.locator("#signatures").inner_text()
    assert leader.username in signatures and province.agency.name in signatures
    assert "Chữ ký số của cơ quan (con dấu)" in signatures
    assert phone.locator("#document-code").inner_text().strip() == code
    assert fits(phone)
    assert_accessible(phone, "verification: a signed result")
    shot(phone, "phone-verified")
    with phone.expect_download() as download_info:
        phone.locator("#download-signed").click()
    saved = tmp_path / "tai-ve.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes() == copy

    # A copy with one byte of its page changed, uploaded on the public page: altered.
    altered = bytearray(copy)
    at = altered.index(b" Tf") - 1
    altered[at] = ord("7") if altered[at] != ord("7") else ord("8")
    (tmp_path / "ban-sua.pdf").write_bytes(bytes(altered))
    phone.goto(f"{base}/verify/")
    phone.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(tmp_path / "ban-sua.pdf"))
    phone.locator("#verify-upload-submit").click()
    phone.wait_for_selector("#upload-result")
    assert phone.locator("#verdict").get_attribute("data-verdict") in ("altered", "invalid")
    assert phone.locator("#upload-no-match").is_visible()
    assert fits(phone)
    assert_accessible(phone, "verification: an altered copy")
    shot(phone, "phone-altered")

    # A picture is refused in plain words, on the same page.
    (tmp_path / "anh.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    phone.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(tmp_path / "anh.png"))
    phone.locator("#verify-upload-submit").click()
    phone.wait_for_selector("#verify-upload-form .invalid-feedback")
    assert "không phải tệp PDF" in phone.locator("#verify-upload-form").inner_text()
    assert_accessible(phone, "verification: a refused file")
    assert violations == []
