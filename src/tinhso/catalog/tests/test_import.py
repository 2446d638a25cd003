"""Import: what is valid is written, every refused procedure is reported by code with every
problem and where it is; idempotent re-import; dry runs; round trips of everything."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from tinhso.catalog.errors import ImportInvalid
from tinhso.catalog.exchange import excel_format, export_file, json_format
from tinhso.catalog.exchange.document import export_document
from tinhso.catalog.exchange.importer import import_document, import_file
from tinhso.catalog.models import (
    Component,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    Sector,
)
from tinhso.catalog.services import SYSTEM
from tinhso.core.errors import PermissionDenied
from tinhso.core.models import AuditEntry

from .docs import changed, document, dumps

Status = ProcedureVersion.Status


def codes(place):
    return [a.code for a in place.communes]


def run(doc, user=SYSTEM):
    return import_document(user, json_format.read(dumps(doc)))


def counts():
    return (Sector.objects.count(), Procedure.objects.count(), ProcedureVersion.objects.count(),
            Component.objects.count(), ProcessStep.objects.count())


def test_good_import_creates_published_procedures(place):
    report = run(document(codes(place)))
    assert (report.procedures_created, report.versions_created, report.sectors_created) == (
        3, 3, 1)
    procedure = Procedure.objects.get(code="1.001000")
    version = procedure.current_version
    assert procedure.name == "Đăng ký khai sinh" and procedure.search_name == "dang ky khai sinh"
    assert (version.number, version.status, version.processing_time) == (1, Status.PUBLISHED, 5)
    assert version.published_at is not None
    assert sorted(version.agencies.values_list("code", flat=True)) == sorted(codes(place))
    assert list(version.components.values_list("order", "name", "reusable_kind")) == [
        (0, "Tờ khai theo mẫu", ""), (1, "Căn cước công dân", "CCCD")]
    template = version.processes.get()
    assert template.agency is None
    assert list(template.steps.values_list("order", "share")) == [(1, 10), (2, 70), (3, 20)]
    assert AuditEntry.objects.filter(action="catalog.import").count() == 1


def test_reimporting_the_same_document_writes_nothing(place):
    doc = document(codes(place))
    run(doc)
    before = counts()
    report = run(doc)
    assert report.unchanged == 3
    assert report.versions_created == report.procedures_created == 0
    assert counts() == before


def test_changed_content_makes_a_new_published_version_and_retires_the_old(place):
    doc = document(codes(place))
    run(doc)

    def edit(d):
        d["procedures"][1]["version"]["fees"][0]["amount"] = 10000
        d["procedures"][2]["name"] = "Đăng ký khai tử (sửa tên)"

    report = run(changed(doc, edit))
    assert (report.versions_created, report.procedures_renamed, report.unchanged) == (1, 1, 2)
    procedure = Procedure.objects.get(code="1.001001")
    assert list(procedure.versions.values_list("number", "status")) == [
        (2, Status.PUBLISHED), (1, Status.RETIRED)]
    assert procedure.current_version.fees.get().amount == 10000
    assert procedure.versions.get(number=1).fees.get().amount == 8000
    renamed = Procedure.objects.get(code="1.001002")
    assert renamed.search_name == "dang ky khai tu (sua ten)"
    assert renamed.versions.count() == 1  # the name is not versioned content


def _bad_document(place):
    def edit(d):
        d["procedures"][0]["code"] = "1.0012"
        v0 = d["procedures"][0]["version"]
        v0["agencies"].append("H44.999")
        v0["time_unit"] = "tuần"
        v1 = d["procedures"][1]["version"]
        v1["fees"][0]["amount"] = -5000
        v1["components"][1]["name"] = "  "
        d["procedures"][2]["version"]["processes"][0]["steps"][2]["share"] = 10
        d["procedures"][2]["sector"] = "KHONG_CO"

    return changed(document(codes(place)), edit)


def test_bad_json_rows_are_all_reported_by_code_with_their_index_path(place):
    report = run(_bad_document(place))
    found = {(p["code"], p["where"], p["field"]): p["message"] for p in report.problems}
    assert found == {
        ("1.0012", "procedures[0]", "code"): "Mã thủ tục “1.0012” không đúng dạng (ví dụ: "
            "1.001234, 2.000815.000.00.00.H55 hoặc 1.012753.H19).",
        ("1.0012", "procedures[0]", "version.agencies"):
            "Không có cơ quan mang mã định danh “H44.999”.",
        ("1.0012", "procedures[0]", "version.time_unit"):
            "Giá trị “tuần” không hợp lệ; dùng một trong: ngày làm việc, giờ làm việc, ngày, "
            "tháng.",
        ("1.001001", "procedures[1].version.fees[0]", "amount"): "Mức thu không được âm.",
        ("1.001001", "procedures[1].version.components[1]", "name"): "Không được để trống.",
        ("1.001002", "procedures[2].version.processes[0]", "steps"):
            "Tổng tỷ lệ thời gian các bước là 90%, phải bằng 100%.",
        ("1.001002", "procedures[2]", "sector"): "Không có lĩnh vực mang mã “KHONG_CO”.",
    }
    assert report.refused == 3 and report.procedures_created == 0
    assert counts() == (1, 0, 0, 0, 0)  # the file's sector is valid and kept


def test_a_bad_procedure_is_refused_and_the_good_ones_next_to_it_are_written(place):
    doc = document(codes(place))
    run(doc)

    def edit(d):
        d["procedures"][0]["version"]["processing_time"] = 7  # a real change ...
        d["procedures"][2]["version"]["results"] = []  # ... next to a bad procedure

    report = run(changed(doc, edit))
    assert [(p["code"], p["where"], p["field"]) for p in report.problems] == [
        ("1.001002", "procedures[2]", "results")]
    assert (report.versions_created, report.unchanged, report.refused) == (1, 1, 1)
    assert Procedure.objects.get(code="1.001000").current_version.processing_time == 7
    assert Procedure.objects.get(code="1.001002").versions.count() == 1  # left as it was


def test_duplicate_codes_and_process_agency_outside_the_agencies_are_reported(place):
    def edit(d):
        d["procedures"][1]["code"] = d["procedures"][0]["code"]
        d["procedures"][2]["version"]["processes"][0]["agency"] = place.justice.code

    report = run(changed(document(codes(place)), edit))
    messages = {(p["where"], p["message"]) for p in report.problems}
    assert ("procedures[1]", "Mã thủ tục lặp lại (đã có ở procedures[0]).") in messages
    assert ("procedures[2].version.processes[0]",
            f"Cơ quan “{place.justice.code}” không có trong danh sách cơ quan thực hiện."
            ) in messages


def _workbook_with(place, edit) -> bytes:
    run(document(codes(place)))
    book = load_workbook(io.BytesIO(excel_format.dump(export_document())))
    edit(book)
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _column(sheet, header):
    return next(c.column for c in sheet[1] if c.value == header)


def test_bad_excel_rows_are_reported_with_sheet_and_row(place, tmp_path):
    def edit(book):
        fees = book["Phí, lệ phí"]
        fees.cell(3, _column(fees, "Mức thu")).value = -1
        procs = book["Thủ tục"]
        procs.cell(2, _column(procs, "Cơ quan thực hiện (mã định danh)")).value = "H44.999"
        procs.cell(4, _column(procs, "Đơn vị thời hạn")).value = "tuần"
        steps = book["Quy trình"]
        steps.cell(5, _column(steps, "Tỷ lệ thời gian (%)")).value = 75
        results = book["Kết quả"]
        results.cell(2, 1).value = "9.999999"

    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(_workbook_with(place, edit))
    report = import_file(SYSTEM, path)
    found = {(p["where"], p["field"]): p["message"] for p in report.problems}
    assert found[("Phí, lệ phí: dòng 3", "Mức thu")] == "Mức thu không được âm."
    assert found[("Thủ tục: dòng 2", "Cơ quan thực hiện (mã định danh)")] == (
        "Không có cơ quan mang mã định danh “H44.999”.")
    assert found[("Thủ tục: dòng 4", "Đơn vị thời hạn")].startswith("Giá trị “tuần”")
    # Rows 5-7 are the second procedure's steps (10, 70, 20); the first became 75.
    assert found[("Quy trình: dòng 5", "steps")] == (
        "Tổng tỷ lệ thời gian các bước là 165%, phải bằng 100%.")
    assert found[("Kết quả: dòng 2", "Mã thủ tục")] == (
        "Mã thủ tục “9.999999” không có trong trang “Thủ tục”.")
    # Each of the three procedures has a problem (the result row moved off the first).
    assert report.refused == 3 and Procedure.objects.count() == 0


def test_excel_accepts_vietnamese_labels_and_words(place, tmp_path):
    def edit(book):
        procs = book["Thủ tục"]
        procs.cell(2, _column(procs, "Cấp xã")).value = "x"
        procs.cell(2, _column(procs, "Đơn vị thời hạn")).value = "Ngay lam viec"
        procs.cell(2, _column(procs, "Thời hạn giải quyết")).value = "2,5"
        fees = book["Phí, lệ phí"]
        fees.cell(2, _column(fees, "Mức thu")).value = "1.500.000"

    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(_workbook_with(place, edit))
    import_file(SYSTEM, path)
    version = Procedure.objects.get(code="1.001000").current_version
    assert version.at_commune and version.time_unit == "working_days"
    assert version.processing_time == 2.5
    assert version.fees.get().amount == 1_500_000


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_round_trip_into_an_empty_catalogue_gives_the_same_content(place, tmp_path, suffix):
    def edit(d):  # something of every kind: two processes, a liên thông step, dates, hours
        v = d["procedures"][0]["version"]
        v["agencies"].append(place.justice.code)
        v["at_province"] = True
        v["time_unit"] = "working_hours"
        v["processing_time"] = 4.5
        v["public_posting_date"] = "2025-08-15"
        v["processes"].append({"agency": place.justice.code, "name": "Quy trình tại Sở",
                               "steps": [{"name": "Thẩm định", "role": "specialist",
                                          "share": 33.33, "division": "Phòng Hành chính"},
                                         {"name": "Liên thông", "role": "specialist",
                                          "share": 33.33, "handled_by": place.construction.code},
                                         {"name": "Ký", "role": "agency_leader",
                                          "share": 33.34}]})
        d["procedures"][1]["version"]["fees"] = []

    run(changed(document(codes(place), count=5), edit))
    before = export_document()
    path = tmp_path / f"danh-muc{suffix}"
    assert export_file(path) == 5
    Procedure.objects.all().delete()
    Sector.objects.all().delete()
    assert counts() == (0, 0, 0, 0, 0)
    report = import_file(SYSTEM, path)
    assert report.procedures_created == 5
    assert export_document() == before
    # And importing the exported file again changes nothing.
    assert import_file(SYSTEM, path).unchanged == 5


def test_non_administrators_cannot_import(place):
    with pytest.raises(PermissionDenied):
        run(document(codes(place)), user=place.officer)
    assert counts() == (0, 0, 0, 0, 0)


def test_import_command_lists_refusals_by_code_on_screen_and_in_a_file_and_fails(
        place, tmp_path, capsys):
    def edit(d):
        d["procedures"][1]["version"]["fees"][0]["amount"] = -5000

    path, report = tmp_path / "mot-loi.json", tmp_path / "bao-cao.txt"
    path.write_bytes(dumps(changed(document(codes(place)), edit)))
    with pytest.raises(CommandError, match="1 thủ tục bị từ chối"):
        call_command("import_catalog", str(path), "--report", str(report))
    out = capsys.readouterr().out
    expected = ("  1.001001\n"
                "    procedures[1].version.fees[0], amount: Mức thu không được âm.\n")
    assert expected in out and expected in report.read_text(encoding="utf-8")
    assert "  2 thủ tục mới" in out
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.001000", "1.001002"}
    good = tmp_path / "tot.json"
    good.write_bytes(dumps(document(codes(place))))
    call_command("import_catalog", str(good), "--report", str(report))
    assert "  1 thủ tục mới" in capsys.readouterr().out
    with pytest.raises(CommandError, match=r"\.json hoặc \.xlsx"):
        call_command("import_catalog", str(tmp_path / "danh-muc.csv"))


def test_a_dry_run_reports_what_would_change_and_writes_nothing(place, tmp_path, capsys):
    path = tmp_path / "danh-muc.json"
    path.write_bytes(dumps(document(codes(place))))
    call_command("import_catalog", str(path), "--dry-run", "--report", str(tmp_path / "r.txt"))
    out = capsys.readouterr().out
    assert out.startswith("Chạy thử (không ghi gì)") and "  3 thủ tục mới" in out
    assert counts() == (0, 0, 0, 0, 0)
    assert not AuditEntry.objects.filter(action="catalog.import").exists()


def test_a_file_that_is_not_a_catalogue_is_refused_whole(place, tmp_path):
    path = tmp_path / "khac.json"
    path.write_bytes(b'{"format": "something-else"}')
    with pytest.raises(ImportInvalid):
        import_file(SYSTEM, path)


def test_export_command_writes_both_formats(place, tmp_path):
    run(document(codes(place)))
    for name in ("ra.json", "ra.xlsx"):
        call_command("export_catalog", str(tmp_path / name))
    assert json_format.read((tmp_path / "ra.json").read_bytes()).procedures[2].row.data[
        "code"] == "1.001002"
    book = load_workbook(tmp_path / "ra.xlsx", read_only=True)
    assert book.sheetnames == ["Lĩnh vực", "Thủ tục", "Trường hợp", "Thành phần hồ sơ",
                               "Thời hạn theo cách thức", "Phí, lệ phí", "Kết quả", "Quy trình"]
