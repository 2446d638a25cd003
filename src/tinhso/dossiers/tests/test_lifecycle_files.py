"""A digitised paper carries its scan and an electronic result its file, at every door:
the services refuse them without (service index components 5.1 and 5.2 count them)."""

import pytest
from django.core.files.base import ContentFile

from tinhso.core.errors import ValidationFailed
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput, ResultInput
from tinhso.dossiers.models import Dossier, Result, Status

from .conftest import citizen_applicant, submit_online
from .test_api_actions import URL, act, client_for, stored_refs, submission


def pdf(name="giay.pdf"):
    return ContentFile(b"%PDF-1.4 test", name=name)


def papers(p, *, scanned=True, reused=""):
    return [ComponentInput("Tờ khai", p.form.pk, file=pdf(), is_digitized=True),
            ComponentInput("Căn cước", p.id_copy.pk, file=pdf() if scanned else None,
                           is_digitized=True, reused_from=reused)]


def test_submit_refuses_a_digitised_paper_without_its_scan(province):
    # Online a required paper without a file is missing; an extra one was taken without.
    extra = ComponentInput("Giấy xác nhận", is_digitized=True)
    with pytest.raises(ValidationFailed) as exc:
        submit_online(province, components=[*papers(province), extra])
    assert exc.value.code == "missing_scan"
    assert str(exc.value.message) == "Giấy tờ số hóa cần có bản quét."
    assert exc.value.details == ["Giấy xác nhận"]
    assert not Dossier.objects.exists()


def test_a_paper_reused_from_the_store_needs_no_file(province):
    earlier = submit_online(province)
    reference = f"GT-{earlier.components.get(component=province.id_copy).pk}"
    again = submit_online(province, components=papers(province, scanned=False,
                                                      reused=reference))
    assert again.has_digitized_components and again.reused_papers


def test_intake_refuses_a_digitised_paper_without_its_scan(province):
    p = province
    with pytest.raises(ValidationFailed) as exc:
        lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                         applicant=citizen_applicant(),
                         components=[ComponentInput("Tờ khai", p.form.pk, is_digitized=True),
                                     ComponentInput("Căn cước", p.id_copy.pk)])
    assert exc.value.code == "missing_scan" and exc.value.details == ["Tờ khai"]
    assert not Dossier.objects.exists()


def test_supplement_refuses_a_digitised_paper_without_its_scan(province, make_dossier):
    d = make_dossier(Status.SUPPLEMENT_REQUESTED)
    with pytest.raises(ValidationFailed) as exc:
        lifecycle.supplement(province.officer, d, components=[
            ComponentInput("Ảnh chân dung", is_digitized=True)])
    assert exc.value.code == "missing_scan" and exc.value.details == ["Ảnh chân dung"]
    d.refresh_from_db()
    assert d.status == Status.SUPPLEMENT_REQUESTED and d.components.count() == 2
    lifecycle.supplement(province.officer, d, components=[
        ComponentInput("Ảnh chân dung", file=pdf("anh.pdf"), is_digitized=True)])


def test_finish_refuses_an_electronic_result_without_its_file(province, make_dossier):
    d = make_dossier(Status.PROCESSING)
    with pytest.raises(ValidationFailed) as exc:
        lifecycle.finish(province.leader, d, results=[
            ResultInput("Bản giấy"), ResultInput("Trích lục", "12/TL", is_electronic=True)])
    assert exc.value.code == "missing_result_file"
    assert str(exc.value.message) == "Kết quả điện tử cần có tệp kết quả."
    assert exc.value.details == ["Trích lục"]
    d.refresh_from_db()
    assert d.status == Status.PROCESSING and not d.has_electronic_result
    assert not Result.objects.exists()


# --- the API: it takes no files, so only papers from the e-data store count as digitised.


def test_api_submit_refuses_a_digitised_paper_without_a_scan(province, make_dossier):
    stored = stored_refs(province, make_dossier)
    data = submission(province, refs=stored)
    data["components"][1]["is_digitized"] = True  # reused: the store holds its file
    data["components"].append({"name": "Giấy xác nhận", "is_digitized": True})
    response = client_for(province.citizen).post(URL, data, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "missing_scan" and body["details"] == ["Giấy xác nhận"]
    data["components"][2]["is_digitized"] = False
    assert client_for(province.citizen).post(URL, data, format="json").status_code == 201


def test_api_intake_refuses_a_digitised_paper_without_a_scan(province):
    data = submission(province)
    del data["agency"]
    data["components"] = [{"name": "Tờ khai", "component_id": province.form.pk,
                           "is_digitized": True},
                          {"name": "Căn cước", "component_id": province.id_copy.pk}]
    response = client_for(province.officer).post(f"{URL}intake/", data, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "missing_scan"


def test_api_finish_refuses_an_electronic_result_without_a_file(province, make_dossier):
    d = make_dossier(Status.PROCESSING)
    body = act(client_for(province.leader), d.code, "finish", status=400,
               results=[{"name": "Trích lục", "number": "12/TL", "is_electronic": True}])
    assert body["code"] == "missing_result_file"
    assert body["message"] == "Kết quả điện tử cần có tệp kết quả."
    d.refresh_from_db()
    assert d.status == Status.PROCESSING
