"""The leader signs a dossier's electronic result from its page; poppler's pdfsig, an
independent checker, accepts what comes out."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import LEADER
from tinhso.signing.models import SignedDocument
from tinhso.signing.testing import make_pki, result_pdf, use_pki
from tinhso.signing.tests.conftest import checker

from .test_actions import act_url, messages_of, post, reload

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


@pytest.fixture
def finished(login, province, make_dossier, settings, leader_pki):
    use_pki(settings, leader_pki)
    dossier = make_dossier(Status.PROCESSING)
    upload = SimpleUploadedFile("ket-qua.pdf", result_pdf(), "application/pdf")
    response = post(login(province.specialist), dossier, "finish",
                    result_name="Giấy phép xây dựng", result_number="12/GPXD",
                    is_electronic="on", result_file=upload)
    assert response.status_code == 302, response.content.decode()
    return reload(dossier)


def test_the_leader_signs_from_the_dossier_page(login, province, finished, tmp_path,
                                                leader_pki):
    dossier = finished
    leader = login(province.leader)
    page = leader.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert 'id="action-sign_result"' in page and "Kết quả điện tử chờ ký số" in page
    specialist_page = login(province.specialist).get(
        reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert 'id="action-sign_result"' not in specialist_page

    confirm = leader.get(act_url(dossier, "sign_result"))
    assert confirm.status_code == 200 and "Ký số và đóng dấu" in confirm.content.decode()
    response = post(leader, dossier, "sign_result")
    assert response.status_code == 302
    assert any("Đã ký số kết quả" in m for m in messages_of(response))
    d = reload(dossier)
    assert d.has_electronic_result
    document = SignedDocument.objects.get()
    page = leader.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    assert "Kết quả điện tử đã ký số" in page and document.code in page
    assert 'id="action-sign_result"' not in page

    # A repeated click (the page seen before signing) changes nothing more.
    again = leader.post(act_url(dossier, "sign_result"),
                        {"expected_version": dossier.lock_version})
    assert again.status_code == 302
    assert SignedDocument.objects.count() == 1
    assert Dossier.objects.get(pk=dossier.pk).lock_version == d.lock_version

    # What the applicant downloads is the signed file, and pdfsig agrees it is valid.
    signed = d.results.get().file.read()
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(signed)
    pdfsig = checker("pdfsig")
    certutil = checker("certutil")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "C,C,C",
                    "-i", str(leader_pki.trust_root_path)], check=True)
    out = subprocess.run([pdfsig, "-nssdir", f"sql:{nss}", str(path)], capture_output=True,
                         text=True, timeout=60)
    report = out.stdout + out.stderr
    assert report.count("Signature is Valid.") == 2, report
    assert report.count("Certificate is Trusted.") == 2, report
    assert "Total document signed" in report, report


def test_signing_without_keys_tells_the_leader(login, province, finished, settings, tmp_path):
    settings.TINHSO_SIGNING_PKI_DIR = tmp_path / "empty"
    response = post(login(province.leader), finished, "sign_result")
    assert response.status_code == 302
    assert any("khóa ký" in m for m in messages_of(response))
    assert not reload(finished).has_electronic_result


