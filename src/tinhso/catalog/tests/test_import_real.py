"""What real published procedures hold, through the importer: cases, time and fees per
channel, fee structures, levels, codes, long texts; nothing guessed, the implausible flagged."""

from decimal import Decimal

import pytest

from tinhso.catalog.exchange import export_file
from tinhso.catalog.exchange.document import export_document
from tinhso.catalog.exchange.importer import import_file
from tinhso.catalog.models import Procedure
from tinhso.catalog.services import SYSTEM

from .docs import changed, document
from .test_import import run

RESIDENCE = "Đăng ký thường trú"


def residence(agencies) -> dict:
    """1.004222 as the national database publishes it, cut to two of its cases."""
    proc = document(agencies, count=1)["procedures"][0]
    proc.update(code="1.004222", name=RESIDENCE)
    version = proc["version"]
    version.update(
        at_commune=True, processing_time=None, time_unit=None,
        implementing_body="Công an Xã", competent_authority="Công an Xã",
        subjects="Công dân Việt Nam", conditions="Đã có thông tin trong CSDL quốc gia về dân cư",
        cases=[{"name": "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình"},
               {"name": "Đăng ký thường trú tại chỗ ở do thuê, mượn, ở nhờ"}],
        components=[
            {"case": None, "name": "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)",
             "is_required": True, "originals": 1, "copies": 0, "template_name": "CT01.doc"},
            {"case": 1, "name": "Giấy tờ chứng minh việc sở hữu chỗ ở hợp pháp",
             "is_required": True, "originals": 0, "copies": 1},
            {"case": 2, "name": "Hợp đồng cho thuê, cho mượn, cho ở nhờ " + "x" * 4_900,
             "is_required": True, "originals": 0, "copies": 1},
        ],
        times=[{"case": None, "channel": "desk", "processing_time": 7,
                "time_unit": "working_days"},
               {"case": None, "channel": "online", "processing_time": 7,
                "time_unit": "working_days"},
               {"case": 2, "channel": "online", "processing_time": 2,
                "time_unit": "working_hours", "note": "Trường hợp thuê"}],
        fees=[{"channel": "desk", "kind": "charge", "name": "Lệ phí đăng ký cư trú",
               "basis": "fixed", "amount": 20000},
              {"channel": "online", "kind": "charge", "name": "Lệ phí đăng ký cư trú",
               "basis": "fixed", "amount": 10000, "group": 1},
              {"channel": "online", "kind": "charge", "name": "Miễn lệ phí",
               "basis": "fixed", "amount": 0, "group": 1, "note": "Đối tượng miễn"},
              {"case": 2, "kind": "fee", "name": "Phí sao lục", "basis": "per_unit",
               "amount": 2000, "unit": "trang"},
              {"kind": "fee", "name": "Phí thẩm định", "basis": "percent", "rate": 0.15,
               "valid_from": "2025-07-01", "valid_until": "2026-12-31"},
              {"kind": "charge", "name": "Lệ phí cấp giấy", "basis": "resolution",
               "note": "Mức thu do HĐND tỉnh quyết định"},
              {"kind": "price", "name": "Giá dịch vụ", "basis": "fixed", "amount": 25,
               "currency": "usd"}],
    )
    return proc


def with_real(place) -> dict:
    doc = document([a.code for a in place.communes], count=2)
    doc["procedures"].append(residence([a.code for a in place.communes]))
    doc["procedures"][0]["code"] = "2.000815.000.00.00.H55"  # full form
    doc["procedures"][1]["code"] = "1.012753.H19"  # a province's local code
    doc["procedures"][0]["name"] = "Thủ tục " + "rất dài " * 150  # over 1,000 characters
    return doc


def test_cases_channels_fees_levels_codes_and_long_texts_are_imported(place):
    report = run(with_real(place))
    assert (report.procedures_created, report.refused) == (3, 0)
    version = Procedure.objects.get(code="1.004222").current_version
    assert version.processing_time is None and version.time_unit == ""
    cases = list(version.procedurecases.order_by("order"))
    assert [c.search_name for c in cases] == [
        "dang ky thuong tru vao cho o hop phap thuoc quyen so huu cua minh",
        "dang ky thuong tru tai cho o do thue, muon, o nho"]
    by_case = {c.name[:20]: c.case_id for c in version.components.all()}
    assert by_case == {"Tờ khai thay đổi thô": None, "Giấy tờ chứng minh v": cases[0].pk,
                       "Hợp đồng cho thuê, c": cases[1].pk}
    times = {(t.case_id, t.channel): (t.processing_time, t.time_unit)
             for t in version.channeltimes.all()}
    assert times[(cases[1].pk, "online")] == (2, "working_hours")
    fees = {f.name: f for f in version.fees.all()}
    assert (fees["Phí sao lục"].basis, fees["Phí sao lục"].unit) == ("per_unit", "trang")
    assert fees["Phí thẩm định"].rate == Decimal("0.15")
    assert str(fees["Phí thẩm định"].valid_until) == "2026-12-31"
    assert fees["Lệ phí cấp giấy"].amount is None
    assert (fees["Giá dịch vụ"].currency, fees["Giá dịch vụ"].kind) == ("USD", "price")
    assert len(Procedure.objects.get(code="2.000815.000.00.00.H55").name) > 1000
    # The record states no general time, but its channels do: nothing to flag.
    assert not [w for w in report.warnings if w["code"] == "1.004222"]


@pytest.mark.parametrize("suffix", [".json", ".xlsx"])
def test_everything_round_trips_through_both_formats(place, tmp_path, suffix):
    run(with_real(place))
    before = export_document()
    path = tmp_path / f"danh-muc{suffix}"
    export_file(path)
    Procedure.objects.all().delete()
    report = import_file(SYSTEM, path)
    assert (report.procedures_created, report.refused) == (3, 0)
    assert export_document() == before
    assert import_file(SYSTEM, path).unchanged == 3


def _problems(place, edit) -> dict:
    report = run(changed(with_real(place), edit))
    assert report.refused == 1
    return {(p["where"], p["field"]): p["message"] for p in report.problems}


def test_nothing_is_guessed_a_missing_flag_kind_unit_or_agency_is_a_problem(place):
    def edit(d):
        v = d["procedures"][2]["version"]
        del v["components"][0]["is_required"]
        del v["fees"][0]["kind"]
        v["times"][0]["time_unit"] = None
        v["agencies"] = []

    found = _problems(place, edit)
    assert found == {
        ("procedures[2].version.components[0]", "is_required"): "Không được để trống.",
        ("procedures[2].version.fees[0]", "kind"): "Không được để trống.",
        ("procedures[2].version.times[0]", "time_unit"):
            "Có thời hạn nhưng chưa ghi đơn vị thời hạn.",
        ("procedures[2]", "version.agencies"): "Không được để trống.",
    }


def test_fee_structures_and_case_references_are_checked(place):
    def edit(d):
        fees = d["procedures"][2]["version"]["fees"]
        fees[3]["unit"] = ""  # per unit, but per what?
        fees[4]["rate"] = None  # a percentage without its rate
        fees[5]["amount"] = 50000  # left to the council, yet an amount
        d["procedures"][2]["version"]["components"][1]["case"] = 3

    found = _problems(place, edit)
    assert found == {
        ("procedures[2].version.fees[3]", "unit"): "Mức thu theo đơn vị cần ghi đơn vị tính.",
        ("procedures[2].version.fees[4]", "rate"):
            "Chỉ mức thu theo tỷ lệ mới ghi tỷ lệ phần trăm, và phải ghi.",
        ("procedures[2].version.fees[5]", "amount"):
            "Mức thu theo tỷ lệ hoặc theo nghị quyết không ghi số tiền cố định.",
        ("procedures[2].version.components[1]", "case"): "Thủ tục không có trường hợp số 3.",
    }


def test_the_implausible_and_the_unstated_are_imported_and_flagged(place):
    def edit(d):
        d["procedures"][0]["version"]["fees"][0].update(amount=50, note="Mức thu 50.000đ/hồ sơ")
        d["procedures"][1]["version"].update(processing_time=None, time_unit=None)
        # As found in the national data: 25.000.000 đ published as 25.000 (1.001280) is
        # flagged; a year before "đến" (1.013217) and another channel's amount (1.002755)
        # are not.
        fees = d["procedures"][2]["version"]["fees"]
        fees[0].update(amount=25000,
                       note="25.000.000đ/giấy thông hành (áp dụng đến hết ngày 31/12/2026)")
        fees[1].update(amount=45, note="Từ ngày 01/7/2025 đến hết ngày 31/12/2026")
        d["procedures"][1]["version"]["fees"][0].update(
            amount=5000, note="Nộp qua cổng dịch vụ công trực tuyến thu 7.000 đồng/lần.")

    report = run(changed(with_real(place), edit))
    assert report.refused == 0 and report.warned == 3
    flagged = {(w["code"], w["message"]) for w in report.warnings}
    assert flagged == {
        ("2.000815.000.00.00.H55",
         "Mức thu 50 đ nhưng ghi chú nêu 50.000 đ: kiểm tra lại."),
        ("1.004222", "Mức thu 25.000 đ nhưng ghi chú nêu 25.000.000 đ: kiểm tra lại."),
        ("1.012753.H19", "Bản công bố không quy định thời hạn giải quyết."),
    }
    assert Procedure.objects.get(code="1.012753.H19").current_version.processing_time is None
