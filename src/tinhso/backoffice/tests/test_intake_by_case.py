"""Desk intake of a procedure with cases: the case first, then its papers and the desk's
time and fee; the dossier keeps the case and owes the desk's fee."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.tests.conftest import CITIZEN_ID
from tinhso.portal.tests.residence import DESK_FEE, OWN_HOME, WITH_FAMILY, residence_procedure

PDF = b"%PDF-1.4\n%%EOF"


@pytest.fixture
def residence(province):
    return residence_procedure([province.agency])


def url(residence, **query):
    base = reverse("backoffice:intake_form", args=[residence.procedure.code])
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_the_official_picks_the_case_first(login, province, residence):
    client = login(province.officer)
    response = client.get(url(residence))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="intake-case-form"' in html
    assert 'name="submission_token"' not in html  # no applicant form before the case
    for case in (residence.own_home, residence.with_family):
        assert f'type="radio" name="case" value="{case.pk}" id="case-{case.pk}"' in html
    assert OWN_HOME in html and WITH_FAMILY in html
    assert html.count("20.000 đồng") == 2 and "10.000 đồng" not in html  # the desk's fee
    refused = client.get(url(residence, case="999999"))
    assert refused.status_code == 400
    assert "Trường hợp đã chọn không thuộc thủ tục này." in refused.content.decode()


def test_the_form_asks_the_cases_papers_and_shows_the_desk_terms(login, province, residence):
    client = login(province.officer)
    html = client.get(url(residence, case=residence.with_family.pk)).content.decode()
    assert WITH_FAMILY in html and f'name="case" value="{residence.with_family.pk}"' in html
    assert f'name="file_{residence.declaration.pk}"' in html
    assert f'name="file_{residence.kinship.pk}"' in html
    assert f'name="file_{residence.ownership.pk}"' not in html
    terms = html.split('id="intake-terms"', 1)[1].split("</div>\n</div>", 1)[0]
    assert "7 ngày làm việc" in terms and "20.000 đồng" in terms and "10.000" not in terms


def test_the_dossier_is_received_with_its_case_and_the_desk_fee(login, province, residence):
    client = login(province.officer)
    case = residence.own_home
    response = client.post(url(residence, case=case.pk), {
        "case": case.pk, "submission_token": "tok1", "applicant_kind": "citizen",
        "applicant_name": "Lê Thị Hạnh", "applicant_id_number": CITIZEN_ID,
        f"received_{residence.declaration.pk}": "on",
        f"file_{residence.declaration.pk}": SimpleUploadedFile("ct01.pdf", PDF,
                                                               "application/pdf"),
        f"received_{residence.ownership.pk}": "on",
    })
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.DESK and dossier.case == case
    assert (dossier.fees_owed, dossier.processing_time) == (DESK_FEE, Decimal(7))
    assert dossier.due_at is not None
    assert sorted(dossier.components.values_list("component_id", flat=True)) == [
        residence.declaration.pk, residence.ownership.pk]
    detail = client.get(reverse("backoffice:dossier", args=[dossier.code]))
    html = detail.content.decode()  # the official sees the case and the time it was filed with
    assert f'id="dossier-case">{OWN_HOME}</dd>' in html
    assert 'id="dossier-time">7 ngày làm việc</dd>' in html


def test_a_required_paper_of_the_case_is_still_required(login, province, residence):
    client = login(province.officer)
    case = residence.with_family
    response = client.post(url(residence, case=case.pk), {
        "case": case.pk, "submission_token": "tok2", "applicant_kind": "citizen",
        "applicant_name": "Lê Thị Hạnh", "applicant_id_number": CITIZEN_ID,
        f"received_{residence.declaration.pk}": "on"})
    assert response.status_code == 400
    assert residence.kinship.name in response.content.decode()
    assert not Dossier.objects.exists()


def test_procedures_without_cases_go_straight_to_the_form(login, province):
    client = login(province.officer)
    html = client.get(reverse("backoffice:intake_form", args=[province.procedure.code])
                      ).content.decode()
    assert 'name="submission_token"' in html and 'id="intake-case-form"' not in html
    assert "5 ngày làm việc" in html and "70.000 đồng" in html


def test_a_payment_request_starts_from_the_cases_fee_on_its_channel(login, province, residence):
    """The official asking for the fee sees the rows published for the dossier's case and
    channel, and the amount still owed is filled in."""
    client = login(province.officer)
    case = residence.with_family
    client.post(url(residence, case=case.pk), {
        "case": case.pk, "submission_token": "tok3", "applicant_kind": "citizen",
        "applicant_name": "Lê Thị Hạnh", "applicant_id_number": CITIZEN_ID,
        f"received_{residence.declaration.pk}": "on", f"received_{residence.kinship.pk}": "on"})
    dossier = Dossier.objects.get()
    page = client.get(reverse("backoffice:act", args=[dossier.code, "request_payment"]))
    assert page.status_code == 200, page
    html = page.content.decode()
    terms = html.split('id="fee-terms"', 1)[1].split("</div>", 1)[0]
    assert WITH_FAMILY in terms and "trực tiếp" in terms
    assert "20.000 đồng" in terms and "10.000" not in terms  # the desk's row, not the portal's
    assert 'name="amount" value="20000"' in html
