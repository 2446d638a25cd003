"""The e-form checker (catalog.forms_schema): definitions good and bad, and what a citizen
entered checked against one (required, required-if, personal id, dates, numbers, units,
repeatable groups), with Vietnamese messages."""

import copy
import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tinhso.catalog import forms_schema
from tinhso.catalog.demo import FORMS, demo_forms
from tinhso.catalog.forms_schema import clean, definition_problems, lines, validate_definition

COMMUNES = {"10000": "Phường Việt Trì", "10001": "Xã Hy Cương"}

FORM = {
    "title": "Tờ khai thay đổi thông tin cư trú",
    "source": "Mẫu CT01",
    "fields": [
        {"name": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "required": True,
         "max_length": 20},
        {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True,
         "past": True},
        {"name": "gioi_tinh", "label": "Giới tính", "type": "choice", "choices": ["Nam", "Nữ"]},
        {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id"},
        {"name": "mst", "label": "Mã số thuế", "type": "tax_code"},
        {"name": "so_tien", "label": "Vốn", "type": "number", "min": 0, "max": 1000},
        {"name": "xa", "label": "Xã nơi đăng ký", "type": "unit"},
        {"name": "dia_chi", "label": "Địa chỉ", "type": "address"},
        {"name": "chu_ho", "label": "Họ tên chủ hộ", "type": "text"},
        {"name": "quan_he", "label": "Quan hệ với chủ hộ", "type": "text",
         "required_if": "chu_ho"},
        {"name": "ban_sao", "label": "Cấp bản sao", "type": "choice", "choices": ["Có", "Không"]},
        {"name": "so_ban", "label": "Số bản sao", "type": "number",
         "required_if": {"field": "ban_sao", "equals": "Có"}},
        {"name": "thanh_vien", "label": "Thành viên", "type": "group", "min_items": 0,
         "max_items": 2, "fields": [
             {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
             {"name": "so_dinh_danh", "label": "Số định danh cá nhân",
              "type": "personal_id", "required": True},
             {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date"},
         ]},
    ],
}
GOOD = {"ho_ten": "Trần Văn Dân", "ngay_sinh": "1990-05-17", "gioi_tinh": "Nam",
        "so_dinh_danh": "025090001001", "mst": "0100109106", "so_tien": "250",
        "xa": "10001", "dia_chi": {"detail": "Số 5, đường Hùng Vương", "unit": "10000"},
        "chu_ho": "", "quan_he": "", "ban_sao": "Không", "so_ban": "",
        "thanh_vien": [{"ho_ten": "Trần Thị Bé", "so_dinh_danh": "025190001002",
                        "ngay_sinh": "12/01/2015"}]}


def check(data, form=FORM):
    return clean(form, data, communes=COMMUNES)


def with_(**changes):
    data = copy.deepcopy(GOOD)
    data.update(changes)
    return data


def test_a_good_definition_has_no_problem_and_none_means_no_form():
    assert definition_problems(FORM) == []
    assert definition_problems(None) == []
    validate_definition(FORM)


@pytest.mark.parametrize("edit, expected", [
    (lambda f: f.pop("title"), "Biểu mẫu cần có tiêu đề (title)."),
    (lambda f: f.update(fields=[]), "Biểu mẫu cần có ít nhất một trường (fields)."),
    (lambda f: f["fields"][0].update(type="email"), "loại trường “email” không có"),
    (lambda f: f["fields"][0].update(name="Họ tên"), "tên trường (name) chỉ gồm"),
    (lambda f: f["fields"][1].update(name="ho_ten"), "tên trường “ho_ten” lặp lại"),
    (lambda f: f["fields"][0].update(label=""), "cần có nhãn (label)"),
    (lambda f: f["fields"][2].update(choices=[]), "cần danh sách lựa chọn"),
    (lambda f: f["fields"][9].update(required_if="khong_co"),
     "phải nêu một trường khác cùng cấp; không có “khong_co”"),
    (lambda f: f["fields"][12]["fields"].append(
        {"name": "con", "label": "Con", "type": "group",
         "fields": [{"name": "a", "label": "A", "type": "text"}]}),
     "không đặt nhóm lặp lại trong nhóm lặp lại"),
    (lambda f: f["fields"][12].update(min_items=5), "0 ≤ tối thiểu ≤ tối đa"),
    (lambda f: f["fields"][0].update(prefill="vneid:ho_ten"), "điền sẵn (prefill)"),
    (lambda f: f["fields"][0].update(colour="đỏ"), "khóa không dùng “colour”"),
    (lambda f: f["fields"][5].update(min="0"), "“min” phải là một số"),
])
def test_bad_definitions_are_named_in_vietnamese(edit, expected):
    form = copy.deepcopy(FORM)
    edit(form)
    problems = definition_problems(form)
    assert any(expected in p for p in problems), problems
    with pytest.raises(ValidationError):
        validate_definition(form)


def test_not_an_object_is_a_problem():
    assert definition_problems([1, 2]) == ["Biểu mẫu phải là một đối tượng JSON."]
    assert definition_problems("{}") == ["Biểu mẫu phải là một đối tượng JSON."]


def test_good_data_gives_clean_values():
    checked = check(GOOD)
    assert checked.ok, checked.errors
    values = checked.values
    assert values["ngay_sinh"] == "1990-05-17"
    assert values["so_tien"] == "250"
    assert values["thanh_vien"] == [{"ho_ten": "Trần Thị Bé", "so_dinh_danh": "025190001002",
                                     "ngay_sinh": "2015-01-12"}]
    assert values["dia_chi"] == {"detail": "Số 5, đường Hùng Vương", "unit": "10000"}


def test_required_fields_are_named():
    checked = check(with_(ho_ten=" ", ngay_sinh=""))
    assert checked.errors == {"ho_ten": "Vui lòng nhập họ, chữ đệm và tên.",
                              "ngay_sinh": "Vui lòng nhập ngày sinh."}


def test_required_if_another_field_has_a_value():
    assert check(with_(chu_ho="Trần Văn Cả")).errors == {
        "quan_he": "Trường này bắt buộc khi đã khai “Họ tên chủ hộ”."}
    assert check(with_(chu_ho="Trần Văn Cả", quan_he="Con")).ok
    # With a value named: only that value makes it required.
    assert check(with_(ban_sao="Có")).errors == {
        "so_ban": "Trường này bắt buộc khi “Cấp bản sao” là “Có”."}
    assert check(with_(ban_sao="Không", so_ban="")).ok


def test_personal_id_tax_code_numbers_choices_and_units():
    errors = check(with_(so_dinh_danh="02509000100", mst="0100109107", so_tien="1.5",
                         gioi_tinh="Khác", xa="99999", ho_ten="x" * 21)).errors
    assert errors == {
        "so_dinh_danh": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
        "mst": "Mã số thuế không hợp lệ: sai chữ số kiểm tra.",
        "so_tien": "Vui lòng nhập số nguyên.",
        "gioi_tinh": "Vui lòng chọn một trong các giá trị đã cho.",
        "xa": "Vui lòng chọn xã, phường, đặc khu trong tỉnh.",
        "ho_ten": "Dài quá 20 ký tự.",
    }
    assert check(with_(so_dinh_danh="999090001001")).errors["so_dinh_danh"].startswith(
        "Số định danh cá nhân không hợp lệ")
    assert check(with_(so_tien="5000")).errors == {"so_tien": "Không được lớn hơn 1000."}
    assert check(with_(so_tien="mười")).errors == {"so_tien": "Vui lòng nhập một số."}
    assert check(with_(so_tien="1.000")).values["so_tien"] == "1000"  # Vietnamese thousands
    assert check(with_(dia_chi={"detail": "Số 5", "unit": ""})).errors == {
        "dia_chi": "Vui lòng chọn xã, phường, đặc khu trong tỉnh."}


def test_dates_must_be_real_and_a_past_date_not_after_today():
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert check(with_(ngay_sinh="31/02/2020")).errors == {
        "ngay_sinh": "Ngày không hợp lệ; ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2024."}
    assert check(with_(ngay_sinh=tomorrow.isoformat())).errors == {
        "ngay_sinh": "Ngày không được sau ngày hôm nay."}
    assert check(with_(ngay_sinh="17/05/1990")).values["ngay_sinh"] == "1990-05-17"


def test_repeatable_groups_check_each_row_and_their_count():
    rows = [{"ho_ten": "A", "so_dinh_danh": "025190001002"},
            {"ho_ten": "", "so_dinh_danh": "123"},
            {"ho_ten": "", "so_dinh_danh": "", "ngay_sinh": ""}]  # blank: dropped
    checked = check(with_(thanh_vien=rows))
    assert checked.errors == {
        "thanh_vien.1.ho_ten": "Vui lòng nhập họ và tên.",
        "thanh_vien.1.so_dinh_danh": "Số định danh cá nhân phải gồm đúng 12 chữ số."}
    assert len(checked.values["thanh_vien"]) == 2
    three = [{"ho_ten": f"Người {i}", "so_dinh_danh": "025190001002"} for i in range(3)]
    assert check(with_(thanh_vien=three)).errors == {
        "thanh_vien": "Chỉ được kê khai tối đa 2 dòng."}
    form = copy.deepcopy(FORM)
    form["fields"][12]["required"] = True
    assert check(with_(thanh_vien=[]), form).errors == {
        "thanh_vien": "Cần kê khai ít nhất 1 dòng."}


def test_lines_read_a_filed_form_for_people(monkeypatch):
    monkeypatch.setattr(forms_schema, "province_communes", lambda: COMMUNES)
    monkeypatch.setattr(forms_schema, "province_name", lambda: "Tỉnh Phú Thọ")
    shown = {(x.label, x.text) for x in lines(FORM, check(GOOD).values)}
    assert ("Ngày sinh", "17/05/1990") in shown
    assert ("Xã nơi đăng ký", "Xã Hy Cương") in shown
    assert ("Địa chỉ", "Số 5, đường Hùng Vương, Phường Việt Trì, Tỉnh Phú Thọ") in shown
    assert ("Dòng 1", "") in shown and ("Họ và tên", "Trần Thị Bé") in shown


def test_the_demo_forms_are_valid_and_each_finds_its_papers_in_the_national_data():
    import lzma

    from tinhso.catalog.demo import DATA
    from tinhso.core.text import fold

    files = sorted(Path(FORMS).glob("*.json"))
    assert len(files) >= 15
    for path in files:
        body = json.loads(path.read_text(encoding="utf-8"))
        assert body["template"] and body["form"]["source"], path.name
        assert definition_problems(body["form"]) == [], path.name
    national = json.loads(lzma.decompress(DATA.read_bytes()))
    papers = {p["code"]: [fold(c["name"]) for c in p["version"]["components"]]
              for p in national["procedures"]}
    attached = demo_forms()
    assert len(attached) >= 20
    for code, forms in attached.items():
        for fragment, form in forms:
            assert any(fragment in name for name in papers[code]), (code, form["title"])
    for code in ("1.001193", "1.000656", "1.000894", "1.004222", "1.001612"):
        assert code in attached
    birth = dict(attached["1.001193"])[fold("điện tử tương tác đăng ký khai sinh")]
    assert any(f.get("prefill") == "identity:personal_id" for f in birth["fields"])
