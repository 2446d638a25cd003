"""The converter's parsing rules on tiny inline samples (no source files needed)."""

import collections
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

import convert as c


@pytest.mark.parametrize("text, expected", [
    ("07 Ngày làm việc", (7, "working_days")),
    ("30 Ngày", (30, "calendar_days")),
    ("24 Giờ", (24, "working_hours")),
    ("02 giờ làm việc", (2, "working_hours")),
    ("3 Tháng", (3, "months")),
    ("Trong thời hạn 03 (ba) ngày làm việc kể từ ngày nhận hồ sơ.", (3, "working_days")),
    ("0,5 Ngày làm việc", (0.5, "working_days")),
    ("15", (None, None)),  # a number without a unit
    ("0 Ngày", (None, None)),
    ("Không quy định", (None, None)),
    ("Trước ngày 15 tháng 12 hằng năm", (None, None)),
    ("02 ngày làm việc; trường hợp phải xác minh không quá 05 ngày làm việc", (None, None)),
    ("01 tháng và 05 ngày làm việc", (None, None)),
])
def test_parse_time(text, expected):
    assert c.parse_time(text) == expected


def test_parse_a_fee_line():
    fee = c.parse_a_fee("Phí : 20.000 Đồng (Trường hợp nộp trực tiếp thu 20.000 đồng/lần đăng ký;)")
    assert fee == {"kind": "fee", "amount_text": "20.000", "currency": "VND",
                   "note": "Trường hợp nộp trực tiếp thu 20.000 đồng/lần đăng ký;"}
    fee = c.parse_a_fee("Lệ phí :  Đồng (- Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định)")
    assert fee["kind"] == "charge" and fee["amount_text"] == ""
    fee = c.parse_a_fee("Phí : 25 USD (Thị thực cấp cho người dưới 14 tuổi (không phân biệt))")
    assert (fee["amount_text"], fee["currency"]) == ("25", "USD")
    assert fee["note"] == "Thị thực cấp cho người dưới 14 tuổi (không phân biệt)"
    fee = c.parse_a_fee("Phí : 50.000 Đồng (50.000 đồng/hồ sơ)\nFile đính kèm: 130-BTC.pdf")
    assert fee["note"] == "50.000 đồng/hồ sơ\nFile đính kèm: 130-BTC.pdf"
    assert c.parse_a_fee("Mức giá :  Đồng ")["kind"] == "price"
    assert c.parse_a_fee("Phí :   ") == {"kind": "fee", "amount_text": "", "currency": "VND",
                                         "note": ""}


@pytest.mark.parametrize("amount_text, note, value, expected", [
    ("20.000", "thu 20.000 đồng/lần đăng ký", None, ("fixed", 20000, "", None)),
    ("8.000", "8.000 đồng/bản sao", None, ("per_unit", 8000, "bản sao", None)),
    ("50.000", "50.000 đồng/hồ sơ", None, ("fixed", 50000, "", None)),
    ("Miễn phí", "Người khuyết tật", None, ("fixed", 0, "", None)),
    ("", "Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh quyết định", None,
     ("resolution", None, "", None)),
    ("0,5%", "giá trị hợp đồng", None, ("percent", None, "", 0.5)),
    ("Phí thẩm định: 2.200.000 đồng/lần thẩm định/hồ sơ", "", None,
     ("fixed", 2200000, "", None)),
    ("", "", 0, ("fixed", 0, "", None)),  # B: 0 and nothing said -> free
    ("", "Phí thẩm định: 150.000 đồng/hồ sơ; 300.000 đồng/hồ sơ", 0,
     ("resolution", None, "", None)),  # B: 0 next to a text with the amounts
    ("", "Hội đồng nhân dân cấp tỉnh quy định.", None, ("resolution", None, "", None)),
    ("", "10.000 đồng/trang", 10000, ("per_unit", 10000, "trang", None)),
])
def test_fee_amount(amount_text, note, value, expected):
    out = c.fee_amount(amount_text, note, value)
    assert (out["basis"], out["amount"], out["unit"], out["rate"]) == expected


def test_fee_validity():
    note = "40.000đ/giấy thông hành (áp dụng đến hết ngày 31/12/2024 theo Thông tư 43/2024)."
    assert c.fee_validity(40000, note) == (None, "2024-12-31")
    # The period is about a reduced (50%) amount, not this row.
    note = "70.000 đồng/thẻ. Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025 ... bằng 50% mức thu"
    assert c.fee_validity(70000, note) == (None, None)
    note = "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 thu 10.000 đồng"
    assert c.fee_validity(10000, note) == ("2025-07-01", "2026-12-31")


def test_fee_name():
    assert c.fee_name("charge", "quy định mức thu lệ phí đăng ký cư trú thì") == \
        "Lệ phí đăng ký cư trú"
    assert c.fee_name("fee", "Phí thẩm định: + Hộ gia đình") == "Phí thẩm định"
    assert c.fee_name("fee", "theo quy định về phí, lệ phí") == "Phí"
    assert c.fee_name("charge", "") == "Lệ phí"


def test_split_results():
    text = ("Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư, Thông báo kết quả giải "
            "quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú, Phiếu từ chối tiếp nhận, giải "
            "quyết hồ sơ (lĩnh vực cư trú)")
    assert c.split_results(text) == [
        "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
        "Thông báo kết quả giải quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú",
        "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)",
    ]


def test_clean_and_required():
    assert c.clean("  a   b \n\n  c ") == "a b\nc"
    assert c.clean("Không có thông tin") == ""
    assert c.is_required("Giấy tờ chứng minh (nếu có)") is False
    assert c.is_required("Tờ khai", "* Lưu ý:") is False
    assert c.is_required("*Lưu ý: - Không yêu cầu xuất trình Giấy khai sinh") is False
    assert c.is_required("Tờ khai CT01") is True
    assert c.parse_qty("Bản chính: 1Bản sao: 0") == (1, 0, True)
    assert c.parse_qty("Bản chính: 1\nBản sao:") == (1, 0, False)


def test_components_cases_and_generic_groups():
    table = [("tbl", [[["Tên giấy tờ"], ["Mẫu đơn, tờ khai"], ["Số lượng"]],
                      [["Tờ khai CT01"], ["Mẫu CT01.doc"], ["Bản chính: 1Bản sao: 0"]]])]
    section = {"items": [("p", "* Trường hợp đăng ký lần đầu:"), *table,
                         ("p", "Bao gồm"), *table]}
    cases, comps, blanks = c.components_a(section)
    assert cases == ["Trường hợp đăng ký lần đầu"]
    assert [x["case"] for x in comps] == [1, None]
    assert comps[0]["template_name"] == "Mẫu CT01.doc" and blanks == 0


def test_times_merge_and_tie():
    stats = collections.Counter()
    rows = [{"channel": "desk", "time": 5, "unit": "working_days", "time_text": "05 Ngày làm việc",
             "note": "Đối với nhà ở riêng lẻ: 5 ngày", "fees": []},
            {"channel": "desk", "time": 15, "unit": "working_days", "time_text": "",
             "note": "Đối với công trình: 15 ngày", "fees": []},
            {"channel": "online", "time": 5, "unit": "working_days", "time_text": "",
             "note": "", "fees": []}]
    times = c.build_times(rows, [], False, stats)
    desk = [t for t in times if t["channel"] == "desk"]
    assert len(desk) == 1 and desk[0]["processing_time"] is None
    assert "5 ngày làm việc: Đối với nhà ở riêng lẻ" in desk[0]["note"]
    assert c.general_time(times) == (None, None)
    cases = ["Đối với nhà ở riêng lẻ", "Đối với công trình"]
    for r in rows:
        r.pop("case", None)
    times = c.build_times(rows, cases, False, stats)
    assert {(t["case"], t["channel"]) for t in times} == {(1, "desk"), (2, "desk"),
                                                          (None, "online")}


def test_group_fees():
    fees = [{"case": None, "channel": "desk", "kind": "fee"},
            {"case": None, "channel": "desk", "kind": "fee"},
            {"case": None, "channel": "desk", "kind": "charge"},
            {"case": None, "channel": "online", "kind": "fee"}]
    c.group_fees(fees)
    assert [f["group"] for f in fees] == [1, 1, 0, 0]


def test_sector_code():
    assert c.sector_code("Đất đai", "G13-TN02") == "G13_TN02"
    code = c.sector_code("Hộ tịch", None)
    assert code.startswith("LV_HT_") and len(code) <= 30 and code == c.sector_code("Hộ tịch", None)


def test_code_shape():
    for code in ("1.004222", "2.000815.000.00.00.H55", "1.012753.H19"):
        assert c.CODE_RE.match(code)
    assert not c.CODE_RE.match("1.00422")
