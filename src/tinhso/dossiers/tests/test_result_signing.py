"""Signed results: a leader signs and seals a dossier's electronic result, the PDF carries
the QR code of its verification page, and only a validly signed result makes the dossier's
electronic-result fact (service index 5.1)."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from pypdf import PdfReader

from tinhso.core.errors import DomainError, PermissionDenied, ValidationFailed
from tinhso.dossiers import lifecycle, result_signing, selectors
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Status
from tinhso.signing import codes, services, verdicts
from tinhso.signing.models import SignedDocument
from tinhso.signing.testing import make_pki, result_pdf, use_pki

from .conftest import LEADER, at

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


@pytest.fixture
def pki(settings, leader_pki, province):
    use_pki(settings, leader_pki)
    return leader_pki


def finished(make_dossier, province, data=None, *, electronic=True):
    d = make_dossier(Status.PROCESSING)
    upload = ContentFile(data if data is not None else result_pdf(), name="ket-qua.pdf")
    return lifecycle.finish(province.specialist, d, at=at(2026, 2, 23, 9), results=[
        ResultInput("Giấy phép xây dựng", "12/GPXD", is_electronic=electronic,
                    file=upload if electronic else None)])


def link_uris(data: bytes) -> list[str]:
    page = PdfReader(BytesIO(data)).pages[-1]
    return [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])
            if a.get_object().get("/Subtype") == "/Link"]


def test_an_unsigned_file_does_not_count_until_the_leader_signs_it(pki, make_dossier,
                                                                    province, settings):
    d = finished(make_dossier, province)
    assert not d.has_electronic_result  # an uploaded file is not a signed result
    assert "sign_result" in selectors.actions_for(province.leader, d)
    assert "sign_result" not in selectors.actions_for(province.specialist, d)
    version = d.lock_version

    d = lifecycle.sign_result(province.leader, d, expected_version=version)
    d.refresh_from_db()
    assert d.has_electronic_result and d.lock_version == version + 1
    assert d.status == Status.FINISHED
    result = d.results.get()
    document = SignedDocument.objects.get(kind="dossier_result", subject_id=result.pk)
    assert result.file.name == document.file.name
    data = result.file.read()
    verdict = services.validate_pdf(data)
    assert verdict.code == verdicts.VALID, verdict.message
    assert [s.signer_name for s in verdict.signatures] == [province.leader.username,
                                                           province.agency.name]
    # The QR code's address is the public verification page of the file's short code.
    assert link_uris(data) == [f"{settings.TINHSO_SITE_URL}/verify/{document.code}"]
    assert codes.normalise(document.code) == document.code
    event = d.events.last()
    assert (event.action, event.data["signed"]) == ("sign_result", [document.code])
    # Nothing left to sign: the action is no longer offered, and refused if asked.
    assert "sign_result" not in selectors.actions_for(province.leader, d)
    with pytest.raises(DomainError) as refused:
        lifecycle.sign_result(province.leader, d)
    assert refused.value.code == "nothing_to_sign"
    assert SignedDocument.objects.count() == 1


def test_a_signed_result_may_be_signed_after_it_was_handed_back(pki, make_dossier, province):
    d = finished(make_dossier, province)
    d = lifecycle.return_result(province.officer, d, at=at(2026, 2, 24, 9))
    d = lifecycle.sign_result(province.leader, d)
    assert d.status == Status.RETURNED and d.has_electronic_result


def test_only_the_agency_leader_signs(pki, make_dossier, province):
    d = finished(make_dossier, province)
    for official in (province.specialist, province.officer, province.division_head):
        with pytest.raises(PermissionDenied):
            lifecycle.sign_result(official, d)
    d.refresh_from_db()
    assert not d.has_electronic_result


def test_a_paper_result_has_nothing_to_sign(pki, make_dossier, province):
    d = finished(make_dossier, province, electronic=False)
    with pytest.raises(DomainError) as refused:
        lifecycle.sign_result(province.leader, d)
    assert refused.value.code == "nothing_to_sign"


def test_an_unreadable_pdf_is_refused_and_nothing_changes(pki, make_dossier, province):
    d = finished(make_dossier, province, b"%PDF-1.4 not really a document")
    with pytest.raises(ValidationFailed):
        lifecycle.sign_result(province.leader, d)
    d.refresh_from_db()
    assert not d.has_electronic_result and not SignedDocument.objects.exists()
    assert d.events.last().action == "finish"


def test_a_leader_without_a_key_gets_a_clear_refusal(pki, make_dossier, province):
    from tinhso.core.roles import Role
    from tinhso.dossiers.tests.conftest import make_user

    keyless = make_user("phogiamdoc", agency=province.agency, roles=[Role.AGENCY_LEADER])
    d = finished(make_dossier, province)
    with pytest.raises(DomainError) as refused:
        lifecycle.sign_result(keyless, d)
    assert "khóa ký" in str(refused.value.message)
    d.refresh_from_db()
    assert not d.has_electronic_result


def test_a_result_uploaded_already_signed_counts_at_once(pki, make_dossier, province):
    presigned = services.seal_pdf(province.leader,
                                  services.sign_pdf(province.leader, result_pdf()))
    d = finished(make_dossier, province, presigned)
    assert d.has_electronic_result
    result = d.results.get()
    document = SignedDocument.objects.get(subject_id=result.pk)
    assert result.file.read() == presigned  # kept as signed: a stamp would alter it
    assert "sign_result" not in selectors.actions_for(province.leader, d)
    assert result_signing.awaiting(d) == []
    assert document.sha256 and document.issuer == province.agency


def test_index_component_5_1_counts_only_signed_results(pki, make_dossier, province):
    """The index reads has_electronic_result: an unsigned result is a result, not an
    electronic one; once signed (an event) the refresh counts it."""
    from tinhso.metrics import counts
    from tinhso.metrics.aggregation import refresh

    def totals(now):
        return counts.read_uncached(date(2026, 1, 1), now.date(), None, False)[counts.PROVINCE]

    finished(make_dossier, province)
    signed = finished(make_dossier, province)
    built = signed.events.last().at + timedelta(minutes=1)
    refresh(full=True, now=built)
    assert (totals(built).with_result, totals(built).e_result) == (2, 0)
    # Signing later is an event: the next incremental refresh counts the result.
    signed = lifecycle.sign_result(province.leader, signed)
    now = signed.events.last().at + timedelta(minutes=1)
    refresh(now=now)
    assert (totals(now).with_result, totals(now).e_result) == (2, 1)
    refresh(full=True, now=now)
    assert (totals(now).with_result, totals(now).e_result) == (2, 1)


def test_the_api_signs_as_the_page_does(pki, make_dossier, province):
    from rest_framework.test import APIClient

    d = finished(make_dossier, province)
    client = APIClient()
    client.force_authenticate(province.specialist)
    refused = client.post(f"/api/v1/dossiers/{d.code}/sign-result/", {}, format="json")
    assert refused.status_code == 403
    client.force_authenticate(province.leader)
    answer = client.post(f"/api/v1/dossiers/{d.code}/sign-result/", {}, format="json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["has_electronic_result"] is True
    again = client.post(f"/api/v1/dossiers/{d.code}/sign-result/", {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "nothing_to_sign"
