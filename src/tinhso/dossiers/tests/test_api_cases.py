"""Filing by case through the API: submission and desk intake take `case`, the detail shows
the case and the statutory time of the case and channel."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tinhso.dossiers.api.serializers import GENERIC, DossierDetailSerializer
from tinhso.dossiers.models import Dossier
from tinhso.portal.tests.residence import DESK_FEE, ONLINE_FEE, WITH_FAMILY, residence_procedure

from .conftest import CITIZEN_ID

pytestmark = pytest.mark.django_db
URL = "/api/v1/dossiers/"


@pytest.fixture
def residence(province):
    return residence_procedure([province.agency])


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(province, residence, case, papers):
    return {"procedure": residence.procedure.code, "agency": province.agency.code,
            "case": getattr(case, "pk", case),
            "applicant": {"kind": "citizen", "name": "Trần Văn Dân", "id_number": CITIZEN_ID},
            "components": [{"name": p.name, "component_id": p.pk} for p in papers]}


def test_online_submission_asks_only_the_required_papers_of_the_case(province, residence):
    response = client_for(province.citizen).post(URL, body(
        province, residence, residence.with_family, []), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "missing_components"
    assert sorted(response.json()["details"]) == sorted(
        [residence.declaration.name, residence.kinship.name])


def test_a_case_is_required_and_must_be_the_procedures(province, residence):
    client = client_for(province.citizen)
    missing = client.post(URL, body(province, residence, None, []), format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "case_required"
    other = client.post(URL, body(province, residence, 10**12, []), format="json")
    assert other.status_code == 400 and other.json()["code"] == "unknown_case"
    wrong = client.post(URL, body(province, residence, "abc", []), format="json")
    assert wrong.status_code == 400
    paper = client.post(URL, body(province, residence, residence.own_home,
                                  [residence.kinship]), format="json")
    assert paper.status_code == 400 and paper.json()["code"] == "component_of_other_case"


def test_desk_intake_takes_the_case_and_owes_the_desk_fee(province, residence):
    response = client_for(province.officer).post(f"{URL}intake/", body(
        province, residence, residence.with_family,
        [residence.declaration, residence.kinship]), format="json")
    assert response.status_code == 201, response.content
    shown = response.json()
    assert shown["case"] == {"id": residence.with_family.pk, "name": WITH_FAMILY}
    assert (shown["processing_time"], shown["time_unit"]) == ("7.0", "working_days")
    assert shown["fees_owed"] == DESK_FEE
    dossier = Dossier.objects.get(code=shown["code"])
    assert dossier.case_id == residence.with_family.pk and dossier.fees_owed == DESK_FEE
    # The hand-written body is the one DRF's generic walk gives.
    context = {"allowed_actions": []}
    assert (DossierDetailSerializer(dossier, context=context).data
            == DossierDetailSerializer(dossier, context={**context, GENERIC: True}).data)
    again = client_for(province.officer).get(f"{URL}{dossier.code}/").json()
    assert again["case"]["name"] == WITH_FAMILY


def test_an_online_filing_by_case_records_the_online_terms(province, residence):
    from tinhso.dossiers import lifecycle
    from tinhso.dossiers.inputs import ComponentInput
    from tinhso.dossiers.models import Channel

    from .conftest import citizen_applicant

    dossier = lifecycle.submit(
        province.citizen, procedure=residence.procedure, agency=province.agency,
        applicant=citizen_applicant(), channel=Channel.ONLINE, case=residence.own_home,
        components=[ComponentInput(name=c.name, component_id=c.pk, file="x.pdf")
                    for c in (residence.declaration, residence.ownership)])
    shown = client_for(province.citizen).get(f"{URL}{dossier.code}/").json()
    assert shown["case"]["id"] == residence.own_home.pk
    assert (shown["processing_time"], shown["fees_owed"]) == ("7.0", ONLINE_FEE)
    assert dossier.processing_time == Decimal(7)


def test_a_dossier_without_case_shows_null(province, make_dossier):
    dossier = make_dossier()
    shown = client_for(province.citizen).get(f"{URL}{dossier.code}/").json()
    assert shown["case"] is None and shown["processing_time"] == "5.0"


def test_the_schema_declares_the_case(province):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert "case" in schema["SubmitIn"]["properties"]
    assert "case" in schema["IntakeIn"]["properties"]
    detail = schema["DossierDetail"]["properties"]
    assert {"case", "processing_time", "time_unit"} <= set(detail)
