"""E-forms travel with the catalogue: imported and exported (JSON: the object; Excel: its JSON
text in a cell) exactly, refused with the checker's problems when bad, frozen with the
version (a new version copies them), shown by the API as `form`, edited in the admin."""

import io
import json

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from tinhso.catalog import services
from tinhso.catalog.exchange import excel_format, export_file, json_format
from tinhso.catalog.exchange.document import export_document
from tinhso.catalog.exchange.importer import import_document, import_file
from tinhso.catalog.models import Component, Procedure, Sector
from tinhso.catalog.services import SYSTEM

from .docs import changed, document, dumps

FORM = {
    "title": "Tờ khai đăng ký khai sinh",
    "source": "Thông tư số 04/2020/TT-BTP",
    "fields": [
        {"name": "ho_ten", "label": "Họ, chữ đệm, tên", "type": "text", "required": True,
         "prefill": "identity:name"},
        {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "past": True},
        {"name": "cha", "label": "Họ tên cha", "type": "text"},
        {"name": "cha_nam_sinh", "label": "Năm sinh cha", "type": "number",
         "required_if": "cha"},
        {"name": "anh_chi_em", "label": "Anh chị em", "type": "group", "max_items": 5,
         "fields": [{"name": "ten", "label": "Tên", "type": "text", "required": True}]},
    ],
}


def codes(place):
    return [a.code for a in place.communes]


def with_form(place, form=FORM):
    def edit(d):
        d["procedures"][0]["version"]["components"][0]["form"] = form
    return changed(document(codes(place)), edit)


def run(doc):
    return import_document(SYSTEM, json_format.read(dumps(doc)))


def test_a_form_is_imported_onto_its_paper_and_others_have_none(place):
    report = run(with_form(place))
    assert report.procedures_created == 3 and not report.problems
    version = Procedure.objects.get(code="1.001000").current_version
    declaration, id_card = version.components.order_by("order")
    assert declaration.form == FORM and id_card.form is None


def test_a_bad_form_refuses_its_procedure_with_the_checkers_problems(place):
    bad = {"title": "Tờ khai", "fields": [{"name": "x", "label": "X", "type": "email"}]}
    report = run(with_form(place, bad))
    [problem] = report.problems
    assert problem["code"] == "1.001000"
    assert problem["where"] == "procedures[0].version.components[0]"
    assert "loại trường “email” không có" in problem["message"]
    assert not Procedure.objects.filter(code="1.001000").exists()
    assert report.procedures_created == 2


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_round_trip_keeps_forms_exactly(place, tmp_path, suffix):
    run(with_form(place))
    before = export_document()
    assert before["procedures"][0]["version"]["components"][0]["form"] == FORM
    path = tmp_path / f"danh-muc{suffix}"
    export_file(path)
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    import_file(SYSTEM, path)
    assert export_document() == before
    assert import_file(SYSTEM, path).unchanged == 3


def test_excel_holds_the_form_as_json_text_and_reads_a_bad_cell_as_a_problem(place, tmp_path):
    run(with_form(place))
    book = load_workbook(io.BytesIO(excel_format.dump(export_document())))
    sheet = book["Thành phần hồ sơ"]
    column = next(c.column for c in sheet[1] if c.value == "Tờ khai điện tử (JSON)")
    assert json.loads(sheet.cell(2, column).value) == FORM
    assert sheet.cell(3, column).value is None
    sheet.cell(2, column).value = '{"title": "Tờ khai", "fields": ['
    Procedure.objects.all().delete()
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "hong.xlsx"
    path.write_bytes(out.getvalue())
    report = import_file(SYSTEM, path)
    [problem] = report.problems
    assert problem["where"] == "Thành phần hồ sơ: dòng 2"
    assert problem["field"] == "Tờ khai điện tử (JSON)"
    assert problem["message"].startswith("Tờ khai điện tử không phải JSON hợp lệ")


def test_a_new_version_copies_the_form_and_a_changed_form_is_a_new_version(place):
    run(with_form(place))
    procedure = Procedure.objects.get(code="1.001000")
    draft = services.new_version(SYSTEM, procedure)
    assert draft.components.order_by("order").first().form == FORM
    draft.delete()
    edited = json.loads(json.dumps(FORM))
    edited["fields"][0]["label"] = "Họ và tên"
    report = run(with_form(place, edited))
    assert report.versions_created == 1 and report.unchanged == 2
    procedure.refresh_from_db()
    assert procedure.current_version.number == 2
    assert procedure.current_version.components.order_by("order").first().form == edited


def test_the_api_detail_carries_each_papers_form(place):
    run(with_form(place))
    response = APIClient().get("/api/v1/procedures/1.001000/")
    assert response.status_code == 200
    components = response.json()["current_version"]["components"]
    assert [c["form"] for c in components] == [FORM, None]
    schema = APIClient().get("/api/schema/?format=json").json()
    component = schema["components"]["schemas"]["CatalogComponent"]
    assert "form" in component["properties"]


def test_the_admin_edits_a_form_as_json_checked_by_the_checker(place, rf):
    from django.contrib import admin

    from tinhso.catalog.admin import ComponentInline
    from tinhso.catalog.models import ProcedureVersion
    from tinhso.core.tests.factories import StaffFactory

    procedure = services.create_procedure(
        SYSTEM, code="1.000002", name="Thủ tục đang soạn",
        sector=Sector.objects.create(code="HT", name="Hộ tịch"))
    version = procedure.versions.get()
    request = rf.get("/")
    request.user = StaffFactory(username="sieuquantri", is_staff=True, is_superuser=True,
                                agency=place.centre)
    formset_class = ComponentInline(ProcedureVersion, admin.site).get_formset(request, version)

    def formset(form_text):
        return formset_class({
            "components-TOTAL_FORMS": "1", "components-INITIAL_FORMS": "0",
            "components-0-order": "0", "components-0-name": "Tờ khai",
            "components-0-is_required": "on", "components-0-originals": "1",
            "components-0-copies": "0", "components-0-form": form_text,
        }, instance=version, prefix="components")

    bad = formset('{"title": "", "fields": []}')
    assert not bad.is_valid()
    assert bad.errors[0]["form"] == ["Biểu mẫu cần có tiêu đề (title).",
                                     "Biểu mẫu cần có ít nhất một trường (fields)."]
    good = formset(json.dumps(FORM, ensure_ascii=False))
    assert good.is_valid(), good.errors
    good.save()
    assert Component.objects.get(version=version).form == FORM
    empty = formset("")
    assert empty.is_valid(), empty.errors
