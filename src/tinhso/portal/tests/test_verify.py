"""The public verification page: a signed result's page from its code, and uploaded copies
judged (valid, altered, not a PDF, too big), with no sign-in and never a server error."""

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Result, Status
from tinhso.dossiers.tests.conftest import LEADER, at
from tinhso.signing import codes
from tinhso.signing.models import SignedDocument
from tinhso.signing.testing import make_pki, result_pdf, use_pki

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


@pytest.fixture
def signed(province, make_dossier, settings, leader_pki) -> SignedDocument:
    use_pki(settings, leader_pki)
    cache.clear()  # the throttle's counts
    d = make_dossier(Status.PROCESSING)
    d = lifecycle.finish(province.specialist, d, at=at(2026, 2, 23, 9), results=[
        ResultInput("Giấy phép xây dựng", "12/GPXD", is_electronic=True,
                    file=ContentFile(result_pdf(), name="kq.pdf"))])
    lifecycle.sign_result(province.leader, d)
    return SignedDocument.objects.get()


def upload(client, data: bytes, name="ban-sao.pdf"):
    return client.post(reverse("verify:index"),
                       {"document": SimpleUploadedFile(name, data, "application/pdf")})


def test_the_qr_code_address_is_the_page_of_the_code(signed, client, province):
    assert codes.verify_url(signed.code).endswith(reverse("verify:code", args=[signed.code]))
    page = client.get(reverse("verify:code", args=[signed.code]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in html and "Văn bản xác thực, còn nguyên vẹn" in html
    assert province.agency.name in html and "Giấy phép xây dựng" in html
    assert "Người ký" in html and "Chữ ký số của cơ quan (con dấu)" in html
    # A code typed leniently (lower case, a dash) finds the page under its own address.
    typed = client.get(reverse("verify:code", args=[signed.code.lower()[:5] + "-"
                                                    + signed.code.lower()[5:]]))
    assert typed.status_code == 302 and typed.url.endswith(signed.code)
    download = client.get(reverse("verify:file", args=[signed.code]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == signed.file.open("rb").read()


def test_an_unknown_code_is_a_plain_not_found(signed, client):
    page = client.get(reverse("verify:code", args=["ZZZZZZZZZZ"]))
    assert page.status_code == 404
    assert "Không tìm thấy văn bản nào có mã tra cứu" in page.content.decode()
    assert client.get(reverse("verify:code", args=["<script>"])).status_code == 404
    assert client.get(reverse("verify:file", args=["ZZZZZZZZZZ"])).status_code == 404
    form = client.get(reverse("verify:index"), {"code": signed.code.lower()})
    assert form.status_code == 302 and form.url.endswith(signed.code)


def test_unknown_codes_are_throttled(signed, client, settings):
    settings.TINHSO_LOOKUP_LIMIT = 3
    answers = [client.get(reverse("verify:code", args=[f"ZZZZZZZZZ{i}"])).status_code
               for i in range(5)]
    assert answers == [404, 404, 404, 429, 429]
    assert client.get(reverse("verify:code", args=[signed.code])).status_code == 200


def test_an_uploaded_copy_of_the_issued_file_is_valid_and_matched(signed, client):
    page = upload(client, signed.file.open("rb").read())
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="valid"' in html and 'id="upload-match"' in html
    assert signed.code in html


def test_a_copy_with_one_byte_changed_is_altered(signed, client):
    data = bytearray(signed.file.open("rb").read())
    # One byte of the page's text (its font size), well inside what the signatures cover.
    position = data.index(b" Tf") - 1
    data[position] = ord("7") if data[position] != ord("7") else ord("8")
    page = upload(client, bytes(data))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-verdict="altered"' in html or 'data-verdict="invalid"' in html, html
    assert 'id="upload-no-match"' in html


def test_not_a_pdf_and_too_big_are_refused_in_plain_words(signed, client, settings):
    page = upload(client, b"\x89PNG\r\n\x1a\nkhong phai pdf", name="anh.png")
    assert page.status_code == 400
    assert "không phải tệp PDF" in page.content.decode()
    settings.TINHSO_UPLOAD_MAX_MB = 0.01  # about 10 kB
    page = upload(client, b"%PDF-1.4\n" + b"0" * 20_000)
    assert page.status_code == 400 and "Tệp quá lớn" in page.content.decode()
    page = upload(client, b"%PDF-1.4\n" + b"0" * 200_000)  # refused before the body is read
    assert page.status_code == 413 and "Tệp quá lớn" in page.content.decode()
    page = upload(client, b"%PDF-1.4 hong")  # a PDF header on nothing readable
    assert page.status_code == 200 and 'data-verdict="invalid"' in page.content.decode()
    empty = client.post(reverse("verify:index"), {})
    assert empty.status_code == 400 and "Vui lòng chọn tệp PDF" in empty.content.decode()


def test_the_upload_form_needs_its_csrf_token(signed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    page = strict.get(reverse("verify:index"))
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    refused = strict.post(reverse("verify:index"), {
        "document": SimpleUploadedFile("a.pdf", b"%PDF-1.4", "application/pdf")})
    assert refused.status_code == 403


def test_the_citizen_finds_the_verification_link_beside_the_result(signed, login, province):
    client = login(province.citizen)
    code = SignedDocument.objects.get().code
    dossier = Result.objects.get(pk=signed.subject_id).dossier
    html = client.get(reverse("portal:my_dossier", args=[dossier.code])).content.decode()
    assert reverse("verify:code", args=[code]) in html and "Kiểm tra chữ ký số" in html
