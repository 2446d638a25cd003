"""Issue 12, defects 4 and 12: a citizen's filing is bound to their identity and reuses only
their own papers; every payment the gateway confirms is recorded, once."""

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID, OTHER_CITIZEN_ID, citizen_applicant

URL = "/api/v1/dossiers/"
PDF = b"%PDF-1.4 paper"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def with_files(p) -> list[ComponentInput]:
    return [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(PDF, name="tk.pdf")),
            ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(PDF, name="cc.pdf"),
                           is_digitized=True)]


def body(p, *, id_number=CITIZEN_ID, name="Trần Văn Dân", kind="citizen", refs=("", "")):
    return {"procedure": p.procedure.code, "agency": p.agency.code,
            "applicant": {"kind": kind, "name": name, "id_number": id_number},
            "components": [
                {"name": "Tờ khai", "component_id": p.form.pk, "reused_from": refs[0]},
                {"name": "Căn cước", "component_id": p.id_copy.pk, "reused_from": refs[1]}]}


def refs_of(dossier) -> tuple[str, str]:
    papers = {c.component_id: c.pk for c in dossier.components.all()}
    return tuple(f"GT-{pk}" for pk in papers.values())


# --- 4: the applicant is the signed-in citizen, reused papers are their own -------------


@pytest.mark.django_db
def test_api_filing_in_another_persons_name_is_refused(province, make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    response = client_for(p.citizen).post(
        URL, body(p, id_number=OTHER_CITIZEN_ID, name="Người Khác", refs=refs_of(theirs)),
        format="json")
    assert response.status_code == 403, response.content
    assert response.json()["code"] == "applicant_not_self"
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_api_reuse_of_another_citizens_paper_or_any_string_is_refused(province,
                                                                      make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    for refs in (refs_of(theirs), ("KHO-TK-01", "anything"), ("GT-999999", "KQ-1")):
        response = client_for(p.citizen).post(URL, body(p, refs=refs), format="json")
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid_reuse"
        assert sorted(response.json()["details"]) == sorted(refs)
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_api_required_paper_is_not_skipped(province):
    response = client_for(province.citizen).post(URL, body(province), format="json")
    assert response.status_code == 400 and response.json()["code"] == "missing_components"


@pytest.mark.django_db
def test_api_citizen_files_with_own_papers_under_the_name_the_provider_vouched(
        province, make_dossier):
    p = province
    mine = make_dossier(components=with_files(p))
    response = client_for(p.citizen).post(URL, body(p, name="Tên Tự Đặt", refs=refs_of(mine)),
                                          format="json")
    assert response.status_code == 201, response.content
    filed = Dossier.objects.get(code=response.json()["code"])
    assert (filed.applicant_id_number, filed.applicant_name) == (CITIZEN_ID, "Trần Văn Dân")
    assert filed.applicant_user == p.citizen and filed.reused_papers


@pytest.mark.django_db
def test_a_citizen_files_for_no_organisation_and_needs_a_personal_id(province):
    p = province
    org = body(p, kind="organisation", id_number="0100109106-001", name="Chi nhánh")
    response = client_for(p.citizen).post(URL, org, format="json")
    assert response.status_code == 403 and response.json()["code"] == "applicant_not_self"
    p.citizen.personal_id = None
    p.citizen.save()
    response = client_for(p.citizen).post(URL, body(p), format="json")
    assert response.status_code == 403 and response.json()["code"] == "identity_required"


@pytest.mark.django_db
def test_the_desk_enters_anyone_but_reuses_only_the_applicants_own_papers(province,
                                                                       make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    desk = client_for(p.officer)
    stolen = body(p, refs=refs_of(theirs))
    response = desk.post(f"{URL}intake/", stolen, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_reuse"
    # The applicant's own papers, and any applicant with papers in hand, are fine.
    own = body(p, id_number=OTHER_CITIZEN_ID, name="Lê Thị Hai", refs=refs_of(theirs))
    assert desk.post(f"{URL}intake/", own, format="json").status_code == 201
    assert desk.post(f"{URL}intake/", body(p, id_number="001099000001", name="Khách"),
                     format="json").status_code == 201


@pytest.mark.django_db
def test_a_supplement_reuses_only_the_applicants_own_papers(province, make_dossier):
    p = province
    theirs = make_dossier(user=p.other_citizen, components=with_files(p))
    mine = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = client_for(p.citizen).post(
        f"{URL}{mine.code}/supplement/",
        {"components": [{"name": "Ảnh", "reused_from": refs_of(theirs)[0]}]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_reuse"


@pytest.mark.django_db
def test_the_reuse_check_costs_one_query_and_none_without_reuse(province, make_dossier):
    p = province
    mine = make_dossier(components=with_files(p))
    papers = [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(PDF, name="a.pdf")),
              ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(PDF, name="b.pdf"))]

    def count(components):
        with CaptureQueriesContext(connection) as queries:
            lifecycle.submit(p.citizen, procedure=p.procedure, agency=p.agency,
                             applicant=citizen_applicant(), channel=2, components=components)
        return len(queries)

    count(papers)  # the first filing of the day warms the code counter
    plain = count(papers)
    reused = [papers[0], ComponentInput("Căn cước", p.id_copy.pk, reused_from=refs_of(mine)[1])]
    assert count(reused) == plain + 1
