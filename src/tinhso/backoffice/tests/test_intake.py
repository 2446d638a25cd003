"""Desk intake: choose the procedure, enter the applicant, check and scan papers, submit."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import Channel, Dossier, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID

PDF = b"%PDF-1.4\n%%EOF"
TAX_CODE = "0100109106"  # a published tax code whose check digit is right


def form_url(p):
    return reverse("backoffice:intake_form", args=[p.procedure.code])


def intake_data(p, **overrides):
    data = {
        "submission_token": "abc123", "applicant_kind": "citizen",
        "applicant_name": "Lê Thị Hạnh", "applicant_id_number": CITIZEN_ID,
        "applicant_phone": "0912345678", "applicant_address": "Phường Việt Trì",
        f"received_{p.form.pk}": "on", f"digitized_{p.form.pk}": "on",
        f"file_{p.form.pk}": SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"),
        f"received_{p.id_copy.pk}": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_the_procedure_is_searchable(login, province):
    client = login(province.officer)
    html = client.get(reverse("backoffice:intake"), {"q": "trich luc"}).content.decode()
    assert province.procedure.name in html
    html = client.get(reverse("backoffice:intake"), {"q": "giay phep xay dung"}).content.decode()
    assert province.procedure.name not in html


def test_only_one_stop_officers_take_walk_ins(login, province):
    response = login(province.specialist).get(form_url(province))
    assert response.status_code == 302
    assert response.url == reverse("backoffice:index")


def test_a_walk_in_dossier_is_received_at_once(login, province):
    client = login(province.officer)
    page = client.get(form_url(province)).content.decode()
    assert 'name="submission_token"' in page and f'name="file_{province.form.pk}"' in page
    response = client.post(form_url(province), intake_data(province))
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get()
    assert response.url == reverse("backoffice:dossier", args=[dossier.code])
    assert dossier.status == Status.RECEIVED and dossier.channel == Channel.DESK
    assert dossier.due_at is not None and dossier.has_digitized_components
    papers = {c.name: c for c in dossier.components.all()}
    assert papers["Tờ khai theo mẫu"].is_digitized and papers["Tờ khai theo mẫu"].file
    assert not papers["Bản sao căn cước"].file
    # The same form sent again makes no second dossier.
    again = client.post(form_url(province), intake_data(province))
    assert again.status_code == 302 and Dossier.objects.count() == 1


def test_an_organisation_with_its_tax_code(login, province):
    client = login(province.officer)
    data = intake_data(province, applicant_kind="organisation",
                       applicant_name="Công ty TNHH Sông Lô", applicant_id_number=TAX_CODE)
    assert client.post(form_url(province), data).status_code == 302
    assert Dossier.objects.get().applicant_id_number == TAX_CODE


def test_a_bad_identifier_is_explained(login, province):
    client = login(province.officer)
    response = client.post(form_url(province),
                           intake_data(province, applicant_id_number="12345"))
    assert response.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()
    response = client.post(form_url(province), intake_data(
        province, applicant_kind="organisation", applicant_id_number="0100109107"))
    assert "sai chữ số kiểm tra" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_missing_required_paper_is_explained(login, province):
    response = login(province.officer).post(
        form_url(province), intake_data(province, **{f"received_{province.id_copy.pk}": None}))
    assert response.status_code == 400
    assert "“Bản sao căn cước” là thành phần bắt buộc." in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_scan_of_the_wrong_type_is_refused(login, province):
    scan = SimpleUploadedFile("to-khai.docx", b"PK\x03\x04", "application/msword")
    response = login(province.officer).post(
        form_url(province), intake_data(province, **{f"file_{province.form.pk}": scan}))
    assert response.status_code == 400
    assert "Chỉ nhận tệp PDF, JPG hoặc PNG" in response.content.decode()
    assert not Dossier.objects.exists()


def test_a_known_applicant_is_found_by_id_number(login, province, make_dossier):
    make_dossier()  # the citizen filed online before
    html = login(province.officer).get(form_url(province),
                                       {"lookup": CITIZEN_ID}).content.decode()
    assert 'value="Trần Văn Dân"' in html and 'value="0912345678"' in html
