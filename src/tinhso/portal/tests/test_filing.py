"""Filing online step by step on a server-side draft, ending in lifecycle.submit."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tinhso.dossiers.models import Channel, Dossier, Status
from tinhso.portal.models import Draft

from .conftest import PDF, PNG


def start(client, p):
    response = client.get(reverse("portal:file", args=[p.procedure.code]))
    assert response.status_code == 302
    return Draft.objects.get(procedure=p.procedure, dossier=None)


def fill_applicant(client, p, draft):
    return client.post(reverse("portal:draft_applicant", args=[draft.pk]),
                       {"agency": p.agency.pk, "phone": "0912 345 678",
                        "email": "dan@example.vn", "address": "Việt Trì"})


def upload(name, content, ctype="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=ctype)


def ready_draft(client, p):
    """A draft with the applicant filled in and both required papers uploaded."""
    draft = start(client, p)
    fill_applicant(client, p, draft)
    client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{p.form.pk}": upload("a.pdf", PDF),
        f"file-{p.id_copy.pk}": upload("b.pdf", PDF)})
    return draft


@pytest.mark.django_db
def test_visitors_are_sent_to_sign_in_first(client, province):
    url = reverse("portal:file", args=[province.procedure.code])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/oidc/authenticate/?next=")
    assert Draft.objects.count() == 0


@pytest.mark.django_db
def test_staff_accounts_do_not_file_online(login, province):
    response = login(province.officer).get(
        reverse("portal:file", args=[province.procedure.code]))
    assert response.status_code == 403
    assert "tài khoản cán bộ" in response.content.decode()


@pytest.mark.django_db
def test_the_applicant_is_prefilled_from_the_signed_in_identity(login, province):
    client = login(province.citizen)
    draft = start(client, province)
    html = client.get(reverse("portal:draft_applicant", args=[draft.pk])).content.decode()
    assert "Trần Văn Dân" in html and province.citizen.personal_id in html
    assert 'for="id_agency"' in html and 'for="id_phone"' in html


@pytest.mark.django_db
def test_full_journey_from_draft_to_receipt(login, province):
    client = login(province.citizen)
    draft = start(client, province)
    response = fill_applicant(client, province, draft)
    assert response.status_code == 302 and response["Location"].endswith("/papers/")

    papers = reverse("portal:draft_papers", args=[draft.pk])
    response = client.post(papers, {
        f"file-{province.form.pk}": upload("to-khai.pdf", PDF),
        f"file-{province.id_copy.pk}": upload("cccd.png", PNG, "image/png"),
        "next": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/review/")

    review = client.get(reverse("portal:draft_review", args=[draft.pk])).content.decode()
    assert "to-khai.pdf" in review and "cccd.png" in review
    assert 'id="review-problem"' not in review

    response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
    dossier = Dossier.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:receipt", args=[dossier.code])
    assert dossier.channel == Channel.ONLINE and dossier.status == Status.SUBMITTED
    assert dossier.applicant_user == province.citizen and dossier.is_full_online
    assert dossier.applicant_phone == "0912 345 678"
    assert sorted(dossier.components.values_list("name", flat=True)) == [
        "Bản sao căn cước", "Tờ khai theo mẫu"]
    assert dossier.components.get(component=province.form).file.read() == PDF

    receipt = client.get(response["Location"]).content.decode()
    assert f'id="dossier-code">{dossier.code}<' in receipt
    assert "Ngày hẹn trả dự kiến" in receipt  # not received yet: an estimate
    assert re.search(r'id="dossier-due">\d\d:\d\d \d\d/\d\d/\d{4}', receipt)


@pytest.mark.django_db
def test_a_double_click_files_one_dossier(login, province):
    client = login(province.citizen)
    draft = ready_draft(client, province)
    url = reverse("portal:draft_submit", args=[draft.pk])
    first, second = client.post(url), client.post(url)
    assert first["Location"] == second["Location"]
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_the_same_draft_key_twice_reaches_lifecycle_as_one_dossier(login, province):
    """Two requests racing past the draft check: lifecycle's idempotency key answers."""
    from tinhso.portal import filing

    client = login(province.citizen)
    draft = ready_draft(client, province)
    stale = Draft.objects.get(pk=draft.pk)
    first = filing.submit(Draft.objects.get(pk=draft.pk))
    assert filing.submit(stale).pk == first.pk  # stale copy, dossier unset: replayed
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_a_wrong_file_is_refused_in_vietnamese_and_nothing_else_is_lost(login, province):
    client = login(province.citizen)
    draft = start(client, province)
    fill_applicant(client, province, draft)
    response = client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{province.form.pk}": upload("to-khai.pdf", PDF),
        f"file-{province.id_copy.pk}": upload("virus.exe", b"MZ\x90\x00", "application/x-msdos"),
    })
    assert response.status_code == 400
    html = response.content.decode()
    assert "không đúng định dạng. Chỉ nhận tệp PDF, JPG hoặc PNG" in html
    assert "vẫn được giữ nguyên" in html
    kept = Draft.objects.get(pk=draft.pk)
    assert list(kept.papers.values_list("component_id", flat=True)) == [province.form.pk]
    assert kept.applicant_phone == "0912 345 678"


@pytest.mark.django_db
def test_a_file_renamed_to_pdf_is_refused_by_its_content(login, province):
    client = login(province.citizen)
    draft = start(client, province)
    response = client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{province.form.pk}": upload("to-khai.pdf", b"<html>not a pdf</html>")})
    assert response.status_code == 400
    assert "không phải là tệp PDF hợp lệ" in response.content.decode()
    assert not draft.papers.exists()


@pytest.mark.django_db
def test_the_size_limit_comes_from_the_setting(login, province, settings):
    settings.TINHSO_UPLOAD_MAX_MB = 0.01  # 10 KiB
    client = login(province.citizen)
    draft = start(client, province)
    response = client.post(reverse("portal:draft_papers", args=[draft.pk]), {
        f"file-{province.form.pk}": upload("lon.pdf", PDF + b"0" * 20_000)})
    assert response.status_code == 400
    assert "quá lớn (tối đa 0.01 MB)" in response.content.decode()


@pytest.mark.django_db
def test_a_closed_browser_finds_its_draft_again(login, province):
    first = login(province.citizen)
    draft = start(first, province)
    fill_applicant(first, province, draft)
    first.post(reverse("portal:draft_papers", args=[draft.pk]),
               {f"file-{province.form.pk}": upload("to-khai.pdf", PDF)})
    later = login(province.citizen)  # a new session
    assert start(later, province).pk == draft.pk
    html = later.get(reverse("portal:draft_papers", args=[draft.pk])).content.decode()
    assert "to-khai.pdf" in html
    drafts = later.get(reverse("portal:drafts")).content.decode()
    assert province.procedure.name in drafts


@pytest.mark.django_db
def test_another_citizens_draft_is_not_found(login, province):
    draft = start(login(province.citizen), province)
    response = login(province.other_citizen).get(
        reverse("portal:draft_papers", args=[draft.pk]))
    assert response.status_code == 404


@pytest.mark.django_db
def test_review_says_which_required_papers_are_missing(login, province):
    client = login(province.citizen)
    draft = start(client, province)
    fill_applicant(client, province, draft)
    html = client.get(reverse("portal:draft_review", args=[draft.pk])).content.decode()
    assert "Thiếu thành phần hồ sơ bắt buộc" in html and "Bản sao căn cước" in html
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
    assert response.status_code == 302 and Dossier.objects.count() == 0


@pytest.mark.django_db
def test_a_paper_from_the_e_data_store_is_reused_instead_of_uploaded(
        login, province, make_dossier):
    from django.core.files.base import ContentFile

    from tinhso.dossiers.inputs import ComponentInput

    earlier = make_dossier(components=[
        ComponentInput("Tờ khai", province.form.pk, file=ContentFile(PDF, name="tk.pdf")),
        ComponentInput("Căn cước", province.id_copy.pk,
                       file=ContentFile(PDF, name="cccd-cu.pdf"), is_digitized=True)])
    stored = earlier.components.get(component=province.id_copy)
    client = login(province.citizen)
    draft = start(client, province)
    fill_applicant(client, province, draft)
    papers = reverse("portal:draft_papers", args=[draft.pk])
    html = client.get(papers).content.decode()
    assert f'value="GT-{stored.pk}"' in html and earlier.code in html
    client.post(papers, {f"file-{province.form.pk}": upload("to-khai.pdf", PDF),
                         f"reuse-{province.id_copy.pk}": f"GT-{stored.pk}"})
    client.post(reverse("portal:draft_submit", args=[draft.pk]))
    dossier = Dossier.objects.exclude(pk=earlier.pk).get()
    reused = dossier.components.get(component=province.id_copy)
    assert reused.reused_from == f"GT-{stored.pk}" and reused.file.name == stored.file.name
    assert dossier.reused_papers and dossier.has_digitized_components


@pytest.mark.django_db
def test_another_citizens_paper_cannot_be_reused(login, province, make_dossier):
    from django.core.files.base import ContentFile

    from tinhso.dossiers.inputs import ComponentInput

    theirs = make_dossier(user=province.other_citizen, components=[
        ComponentInput("Tờ khai", province.form.pk, file=ContentFile(PDF, name="tk.pdf")),
        ComponentInput("Căn cước", province.id_copy.pk, file=ContentFile(PDF, name="c.pdf"))])
    ref = f"GT-{theirs.components.get(component=province.id_copy).pk}"
    client = login(province.citizen)
    draft = start(client, province)
    response = client.post(reverse("portal:draft_papers", args=[draft.pk]),
                           {f"reuse-{province.id_copy.pk}": ref})
    assert response.status_code == 400
    assert "không có trong kho dữ liệu của bạn" in response.content.decode()
    assert not draft.papers.exists()


@pytest.mark.django_db
def test_with_consent_the_population_database_fills_the_address_and_the_dossier_says_so(
        login, province, settings):
    import threading

    from tinhso.dossiers.models import PopulationLookup
    from tinhso.integrations.population.simulator import make_server

    registry = make_server("127.0.0.1", 0, "t")
    threading.Thread(target=registry.serve_forever, daemon=True).start()
    settings.TINHSO_POPULATION_URL = f"http://127.0.0.1:{registry.server_address[1]}"
    settings.TINHSO_POPULATION_TOKEN = "t"
    try:
        client = login(province.citizen)
        draft = start(client, province)
        client.post(reverse("portal:draft_applicant", args=[draft.pk]),
                    {"agency": province.agency.pk, "phone": "0912345678",
                     "use_population_db": "on"})
        draft.refresh_from_db()
        # The registry's synthetic record of this id: an address of the province.
        assert draft.use_population_db and draft.applicant_address.endswith("tỉnh Phú Thọ")
        client.post(reverse("portal:draft_papers", args=[draft.pk]), {
            f"file-{province.form.pk}": upload("a.pdf", PDF),
            f"file-{province.id_copy.pk}": upload("b.pdf", PDF)})
        client.post(reverse("portal:draft_submit", args=[draft.pk]))
        dossier = Dossier.objects.get()
        assert dossier.used_population_db
        assert dossier.population_lookups.get().consent == PopulationLookup.Consent.SELF
        # The registry down: the citizen still files, and the dossier claims no use of it.
        registry.shutdown()
        registry.server_close()
        draft2 = ready_draft(client, province)
        Draft.objects.filter(pk=draft2.pk).update(use_population_db=True)
        client.post(reverse("portal:draft_submit", args=[draft2.pk]))
        assert not Dossier.objects.exclude(pk=dossier.pk).get().used_population_db
    finally:
        registry.server_close()
