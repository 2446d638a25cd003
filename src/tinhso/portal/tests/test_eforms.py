"""E-forms in the filing wizard: rendered as server-side inputs (labels, hints and errors tied
with aria-describedby), prefilled from the signed-in identity and the e-data store, kept in
the draft as entered, checked on the server by the catalogue's checker (required,
required-if, personal id, dates, repeatable rows), filed as structured data on the dossier's
paper, shown to officials as a table and as a PDF declaration."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tinhso.catalog.models import Component
from tinhso.core.errors import ValidationFailed
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Channel, Dossier
from tinhso.dossiers.tests.conftest import citizen_applicant
from tinhso.portal import filing
from tinhso.portal.models import Draft, DraftPaper

from .eform import TITLE, communes, eform_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def eform(province):
    communes(province.unit)
    return eform_procedure([province.agency])


def base(eform):
    return f"form-{eform.declaration.pk}"


def open_papers(client, province, eform):
    response = client.get(reverse("portal:file", args=[eform.procedure.code]))
    assert response.status_code == 302
    draft = Draft.objects.get(procedure=eform.procedure, dossier=None)
    client.post(reverse("portal:draft_applicant", args=[draft.pk]),
                {"agency": province.agency.pk, "phone": "0912 345 678",
                 "email": "dan@example.vn", "address": "Việt Trì"})
    return draft, reverse("portal:draft_papers", args=[draft.pk])


def good(eform, **changes):
    b = base(eform)
    data = {f"{b}-ho_ten": "Trần Văn Dân", f"{b}-ngay_sinh": "1995-03-02",
            f"{b}-so_dinh_danh": "025095001234", f"{b}-dien_thoai": "0912345678",
            f"{b}-chu_ho": "Trần Văn Cả", f"{b}-quan_he": "Con",
            f"{b}-noi_o-detail": "Số 5, đường Hùng Vương", f"{b}-noi_o-unit": "25001",
            f"{b}-noi_dung": "Xác nhận thông tin về cư trú để bổ túc hồ sơ xin việc.",
            f"{b}-thanh_vien-rows": "2",
            f"{b}-thanh_vien-0-ho_ten": "Trần Thị Bé",
            f"{b}-thanh_vien-0-ngay_sinh": "2019-06-01",
            f"{b}-thanh_vien-0-so_dinh_danh": "025319001002",
            f"{b}-thanh_vien-1-ho_ten": "", f"{b}-thanh_vien-1-ngay_sinh": "",
            f"{b}-thanh_vien-1-so_dinh_danh": ""}
    data.update({f"{b}-{k}": v for k, v in changes.items()})
    return data


def test_the_form_is_rendered_with_labels_hints_and_prefilled_identity(login, province,
                                                                        eform):
    client = login(province.citizen)
    _draft, papers = open_papers(client, province, eform)
    response = client.get(papers)
    assert response.status_code == 200
    html = response.content.decode()
    b = base(eform)
    assert TITLE in html and "Thông tư số 66/2023/TT-BCA" in html
    assert f'<label class="form-label" for="{b}-ho_ten">' in html
    assert re.search(rf'name="{b}-ho_ten" id="{b}-ho_ten" value="Trần Văn Dân"', html)
    assert f'value="{province.citizen.personal_id}"' in html
    assert 'value="0912 345 678"' in html  # the phone the applicant step keeps
    assert f'id="{b}-ngay_sinh" value="" type="date"' in html
    assert f'aria-describedby="{b}-chu_ho-help"' in html
    assert f'id="{b}-quan_he-cond"' in html and "Bắt buộc khi đã khai" in html
    assert '<option value="25001">Phường Việt Trì</option>' in html
    assert f'name="{b}-thanh_vien-rows" value="1"' in html
    assert f'id="file-{eform.declaration.pk}"' not in html  # a form, not an upload
    assert f'id="file-{eform.proof.pk}"' in html


def test_server_validation_names_each_problem_and_keeps_the_draft(login, province, eform):
    client = login(province.citizen)
    draft, papers = open_papers(client, province, eform)
    b = base(eform)
    bad = good(eform, ngay_sinh="2999-01-01", so_dinh_danh="12345", quan_he="",
               **{"noi_o-unit": "", "thanh_vien-0-so_dinh_danh": "abc"})
    bad["next"] = "1"
    response = client.post(papers, bad)
    assert response.status_code == 400
    html = response.content.decode()
    expected = {
        f"{b}-ngay_sinh": "Ngày không được sau ngày hôm nay.",
        f"{b}-so_dinh_danh": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        f"{b}-quan_he": "Trường này bắt buộc khi đã khai “Họ, chữ đệm và tên chủ hộ”.",
        f"{b}-noi_o": "Vui lòng chọn xã, phường, đặc khu trong tỉnh.",
        f"{b}-thanh_vien-0-so_dinh_danh": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
    }
    for key, message in expected.items():
        assert f'id="{key}-error">{message}</div>' in html, key
        assert re.search(rf'id="{key}(-detail)?"[^>]*aria-describedby="[^"]*{key}-error"'
                         r'[^>]*aria-invalid="true"', html), key
    assert "Tờ khai còn 5 mục cần sửa." in html
    # Kept as entered: nothing is lost, and the review step refuses to submit.
    paper = DraftPaper.objects.get(draft=draft, component=eform.declaration)
    assert paper.form_data["so_dinh_danh"] == "12345"
    assert paper.form_data["thanh_vien"][0]["ho_ten"] == "Trần Thị Bé"
    assert len(paper.form_data["thanh_vien"]) == 1  # the blank row is not kept
    with pytest.raises(ValidationFailed) as raised:
        filing.check_ready(draft)
    assert raised.value.code == "invalid_form"
    # Without a head of household the relation is not required.
    fixed = good(eform, chu_ho="", quan_he="")
    fixed["next"] = "1"
    response = client.post(papers, fixed)
    assert response.status_code == 302 and response["Location"].endswith("/review/")


def test_the_required_form_left_empty_is_refused(login, province, eform):
    client = login(province.citizen)
    _draft, papers = open_papers(client, province, eform)
    b = base(eform)
    empty = {k: "" for k in good(eform)}
    empty.update({f"{b}-thanh_vien-rows": "1", "next": "1"})
    html = client.post(papers, empty).content.decode()
    assert f'id="{b}-ho_ten-error">Vui lòng nhập họ, chữ đệm và tên.</div>' in html
    assert f'id="{b}-noi_dung-error">Vui lòng nhập nội dung đề nghị.</div>' in html


def test_rows_are_added_and_removed_without_javascript(login, province, eform):
    client = login(province.citizen)
    draft, papers = open_papers(client, province, eform)
    b = base(eform)
    data = good(eform)
    data["add-row"] = f"{b}-thanh_vien"
    html = client.post(papers, data).content.decode()
    assert f'name="{b}-thanh_vien-rows" value="2"' in html
    assert f'id="{b}-thanh_vien-1-ho_ten"' in html
    assert 'id="' + b + '-errors"' not in html  # adding a row shows no error yet
    data = good(eform)
    data["remove-row"] = f"{b}-thanh_vien-0"
    client.post(papers, data)
    paper = DraftPaper.objects.get(draft=draft, component=eform.declaration)
    assert paper.form_data["thanh_vien"] == []


def test_a_saved_draft_comes_back_as_entered(login, province, eform):
    client = login(province.citizen)
    _draft, papers = open_papers(client, province, eform)
    client.post(papers, {**good(eform, noi_dung="Nội dung đang soạn"), "save": "1"})
    html = client.get(papers).content.decode()
    assert "Nội dung đang soạn</textarea>" in html
    assert 'value="Trần Thị Bé"' in html and 'value="2019-06-01"' in html
    assert '<option value="25001" selected>' in html
    assert f'id="paper-{eform.declaration.pk}"' in html


def test_prefill_from_the_e_data_store_where_a_field_names_a_kind(province, eform,
                                                                   make_dossier):
    draft = Draft(user=province.citizen, procedure=eform.procedure,
                  version=eform.procedure.current_version, applicant_name="Trần Văn Dân")
    form = {"title": "T", "fields": [
        {"name": "cccd", "label": "Căn cước", "type": "text", "prefill": "store:cccd"},
        {"name": "ten", "label": "Tên", "type": "text", "prefill": "identity:name"}]}
    assert filing.prefill(draft, form) == {"ten": "Trần Văn Dân"}  # nothing stored yet
    dossier = make_dossier()
    stored = dossier.components.get(component__reusable_kind="cccd")
    values = filing.prefill(draft, form)
    assert values["cccd"] == f"{stored.name} (hồ sơ {dossier.code})"


def submitted(client, province, eform):
    draft, papers = open_papers(client, province, eform)
    client.post(papers, {**good(eform), "next": "1"})
    response = client.post(reverse("portal:draft_submit", args=[draft.pk]))
    assert response.status_code == 302, response
    return Dossier.objects.get(pk=Draft.objects.get(pk=draft.pk).dossier_id)


def test_the_filed_form_is_structured_data_on_the_dossiers_paper(login, province, eform):
    dossier = submitted(login(province.citizen), province, eform)
    paper = dossier.components.get(component=eform.declaration)
    assert paper.form_data == {
        "ho_ten": "Trần Văn Dân", "ngay_sinh": "1995-03-02", "so_dinh_danh": "025095001234",
        "dien_thoai": "0912345678", "chu_ho": "Trần Văn Cả", "quan_he": "Con",
        "noi_o": {"detail": "Số 5, đường Hùng Vương", "unit": "25001"},
        "noi_dung": "Xác nhận thông tin về cư trú để bổ túc hồ sơ xin việc.",
        "thanh_vien": [{"ho_ten": "Trần Thị Bé", "ngay_sinh": "2019-06-01",
                        "so_dinh_danh": "025319001002"}]}
    assert not paper.file and not paper.is_digitized
    assert not dossier.components.filter(component=eform.proof).exists()


def test_the_service_checks_a_form_given_to_it_with_the_same_checker(province, eform):
    with pytest.raises(ValidationFailed) as raised:
        lifecycle.submit(province.citizen, procedure=eform.procedure.pk, agency=province.agency,
                         applicant=citizen_applicant(), channel=Channel.ONLINE,
                         components=[ComponentInput(TITLE, eform.declaration.pk,
                                                    form_data={"ho_ten": "A"})])
    assert raised.value.code == "invalid_form"
    assert "ngay_sinh" in raised.value.details
    with pytest.raises(ValidationFailed) as raised:  # a form where the paper has none
        lifecycle.submit(province.citizen, procedure=eform.procedure.pk, agency=province.agency,
                         applicant=citizen_applicant(), channel=Channel.ONLINE,
                         components=[ComponentInput("Khác", eform.proof.pk,
                                                    form_data={"a": "b"})])
    assert raised.value.code == "invalid_form"


def test_officials_see_the_form_as_a_table_and_as_a_pdf_declaration(login, province, eform):
    dossier = submitted(login(province.citizen), province, eform)
    paper = dossier.components.get(component=eform.declaration)
    office = login(province.officer)
    html = office.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()
    table = html[html.index(f'id="eform-{paper.pk}"'):]
    table = table[:table.index("</table>")]
    assert '<th scope="row" class="fw-normal">Mối quan hệ với chủ hộ</th><td>Con</td>' in table
    assert "<td>02/03/1995</td>" in table
    assert "<td>Số 5, đường Hùng Vương, Phường Việt Trì, Tỉnh Phú Thọ</td>" in table
    assert "Dòng 1" in table and "<td>025319001002</td>" in table
    url = reverse("backoffice:declaration", args=[dossier.code, paper.pk])
    assert url in html
    response = office.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ (MẪU CT01)", dossier.code,
                     "Họ, chữ đệm và tên: Trần Văn Dân", "Ngày, tháng, năm sinh: 02/03/1995",
                     "Mối quan hệ với chủ hộ: Con", "Phường Việt Trì", "Trần Thị Bé",
                     "NGƯỜI KHAI"):
        assert expected in text, expected
    # Another agency's official sees neither.
    other = login(province.other_officer)
    assert other.get(url).status_code == 404
    # A paper without a form has no declaration.
    assert office.get(reverse("backoffice:declaration",
                              args=[dossier.code, paper.pk + 999])).status_code == 404


def test_a_component_with_a_bad_form_cannot_be_saved_through_the_services(province, eform):
    from tinhso.catalog import services

    draft = services.new_version(services.SYSTEM, eform.procedure)
    component = draft.components.get(name=TITLE)
    component.form = {"title": "Tờ khai", "fields": [{"name": "a", "label": "A",
                                                       "type": "màu"}]}
    with pytest.raises(ValidationFailed) as raised:
        services.save_part(services.SYSTEM, component)
    assert raised.value.code == "invalid_form"
    assert Component.objects.get(pk=component.pk).form["title"] == TITLE
