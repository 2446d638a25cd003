"""The public registers /api/v1/units and /api/v1/agencies: filters, search, errors, schema."""

from datetime import date

import pytest
from vietnam_provinces import Ward

from tinhso.core.demo import load_demo_province
from tinhso.core.models import AdministrativeUnit
from tinhso.core.text import fold
from tinhso.core.units import load_units, record_merger

pytestmark = pytest.mark.django_db

UNITS, AGENCIES = "/api/v1/units/", "/api/v1/agencies/"
HA_NOI_COMMUNES = sum(1 for w in Ward.iter_all() if int(w.province_code) == 1)


@pytest.fixture
def registers(settings):
    """Two provinces (Phú Thọ with its demo agencies, and Hà Nội) instead of all 34."""
    # The demo accounts' passwords play no part here; Argon2 would cost ~0.5 s a test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_units(["25", "01"])
    load_demo_province()


def get(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content
    return response.json()


def codes(body) -> list[str]:
    return [row["code"] for row in body["results"]]


# --- Units.


@pytest.mark.parametrize("query", [
    "viet tri", "Việt Trì", "VIỆT TRÌ", "việt trì", "Viet Tri", "  viet   TRI ", "phuong viet tri",
    "07900",
])
def test_unit_search_ignores_diacritics_case_and_spaces(client, registers, query):
    body = get(client, UNITS, search=query)
    assert "07900" in codes(body)
    assert all("viet tri" in fold(r["name"]) or r["code"] == query for r in body["results"])


@pytest.mark.parametrize("query", ["phu tho", "Phú Thọ", "PHU THO", "phú thọ"])
def test_province_search(client, registers, query):
    assert codes(get(client, UNITS, search=query, level="province")) == ["25"]
    assert "25" in codes(get(client, UNITS, search=query))


def test_unit_search_without_match_is_empty(client, registers):
    assert get(client, UNITS, search="khong co dau ca")["count"] == 0


def test_units_of_a_province(client, registers):
    body = get(client, UNITS, province="25", page_size=500)
    assert body["count"] == 148 == len(body["results"])
    assert {r["parent"] for r in body["results"]} == {"25"}
    assert {r["level"] for r in body["results"]} == {"commune"}
    assert get(client, UNITS, province="01")["count"] == HA_NOI_COMMUNES
    assert get(client, UNITS, province="1")["count"] == HA_NOI_COMMUNES
    assert get(client, UNITS, parent="25")["count"] == 148


def test_unit_level_code_and_current_filters(client, registers):
    body = get(client, UNITS, level="province")
    assert codes(body) == ["01", "25"]
    assert body["results"][1] == {
        "code": "25", "name": "Phú Thọ", "level": "province", "level_display": "Tỉnh/thành phố",
        "division_type": "tỉnh", "codename": "phu_tho", "parent": None,
        "valid_from": "2025-07-01", "valid_to": None, "successor": None}
    assert get(client, UNITS, level="COMMUNE")["count"] == 148 + HA_NOI_COMMUNES
    assert codes(get(client, UNITS, code="07900")) == ["07900"]
    assert get(client, UNITS, current="false")["count"] == 0

    units = AdministrativeUnit.objects
    record_merger([units.get(code="04792")], units.get(code="04795"), date(2026, 1, 1))
    merged = get(client, UNITS, current="false")["results"]
    assert [(r["code"], r["successor"], r["valid_to"]) for r in merged] == [
        ("04792", "04795", "2025-12-31")]
    assert get(client, UNITS, province="25", current="true")["count"] == 147


def test_unit_detail_and_404(client, registers):
    body = get(client, f"{UNITS}07900/")
    assert (body["name"], body["parent"], body["valid_from"]) == (
        "Phường Việt Trì", "25", "2025-07-01")
    error = get(client, f"{UNITS}00000/", expect=404)
    assert error["code"] == "not_found"
    assert "00000" in error["message"]


@pytest.mark.parametrize(("params", "code"), [
    ({"province": "99"}, "unknown_province"),
    ({"province": "abc"}, "unknown_province"),
    ({"province": "07900"}, "unknown_province"),  # a commune is not a province
    ({"level": "district"}, "invalid_level"),
    ({"parent": "2x"}, "invalid_unit_code"),
    ({"parent": "99999"}, "unknown_unit"),
    ({"code": "123"}, "invalid_unit_code"),
    ({"current": "maybe"}, "invalid_boolean"),
])
def test_unit_filter_errors_are_400_in_vietnamese(client, registers, params, code):
    body = get(client, UNITS, expect=400, **params)
    assert body["code"] == code
    assert body["details"]["field"] == next(iter(params))
    assert body["details"]["value"] == next(iter(params.values()))
    assert any(ch in body["message"] for ch in "ảãạăâđêôơư")  # written in Vietnamese


# --- Agencies.


def test_agency_filters(client, registers):
    # Each commune has its committee and its police.
    assert get(client, AGENCIES, level="commune", province="25")["count"] == 296
    assert get(client, AGENCIES, level="province")["count"] == 26
    assert get(client, AGENCIES, parent="H44")["count"] == 173
    assert get(client, AGENCIES, parent="H44.16")["count"] == 148
    assert get(client, AGENCIES, province="25")["count"] == 322
    assert get(client, AGENCIES, province="01")["count"] == 0
    assert get(client, AGENCIES, unit="25", level="province")["count"] == 26
    body = get(client, AGENCIES, unit="07900")
    assert [(r["code"], r["name"]) for r in body["results"]] == [
        ("H44.147", "Ủy ban nhân dân phường Việt Trì"),
        ("H44.16.147", "Công an phường Việt Trì")]
    assert body["results"][0]["desks"] == [
        {"name": "Bộ phận một cửa phường Việt Trì", "address": "Phường Việt Trì, tỉnh Phú Thọ"}]
    assert codes(get(client, AGENCIES, code="h44.07")) == ["H44.07"]


def test_agencies_are_listed_provinces_first_in_code_order(client, registers):
    listed = codes(get(client, AGENCIES, page_size=500))
    assert listed[:3] == ["H44", "H44.01", "H44.02"]
    assert listed[25:28] == ["H44.25", "H44.100", "H44.101"]
    assert len(listed) == 322


@pytest.mark.parametrize(("query", "expected"), [
    ("so tu phap", "H44.03"),
    ("Sở Tư Pháp", "H44.03"),
    ("SỞ Y TẾ", "H44.10"),
    ("uy ban nhan dan phuong viet tri", "H44.147"),
    ("Ủy ban nhân dân phường Việt Trì", "H44.147"),
    ("H44.18", "H44.18"),
])
def test_agency_search(client, registers, query, expected):
    assert codes(get(client, AGENCIES, search=query)) == [expected]


def test_agency_search_spans_words_of_the_name(client, registers):
    found = codes(get(client, AGENCIES, search="viet tri", page_size=500))
    assert "H44.147" in found


def test_agency_detail_by_dotted_code_and_404(client, registers):
    body = get(client, f"{AGENCIES}H44.03/")
    assert body["name"] == "Sở Tư pháp tỉnh Phú Thọ"
    assert (body["parent"], body["unit"], body["level"], body["desks"]) == (
        "H44", "25", "province", [])
    centre = get(client, f"{AGENCIES}H44.18/")
    assert [d["name"] for d in centre["desks"]] == ["Bộ phận một cửa tỉnh Phú Thọ"]
    for missing in ("H44.999", "H99", "h44.03"):  # codes are upper case
        error = get(client, f"{AGENCIES}{missing}/", expect=404)
        assert error["code"] == "not_found"


@pytest.mark.parametrize(("params", "code"), [
    ({"code": "H4X"}, "invalid_agency_code"),
    ({"parent": "abc"}, "invalid_agency_code"),
    ({"parent": "H44..1"}, "invalid_agency_code"),
    ({"parent": "H99"}, "unknown_agency"),
    ({"province": "99"}, "unknown_province"),
    ({"unit": "99999"}, "unknown_unit"),
    ({"level": "huyen"}, "invalid_level"),
])
def test_agency_filter_errors_are_400(client, registers, params, code):
    body = get(client, AGENCIES, expect=400, **params)
    assert body["code"] == code
    assert body["details"]["value"] == next(iter(params.values()))
    assert body["message"]


def test_registers_are_public_and_read_only(client, registers):
    assert client.post(AGENCIES, {"code": "H44.99", "name": "x"}).status_code == 405
    assert client.delete(f"{AGENCIES}H44.03/").status_code == 405


def test_listing_takes_a_fixed_number_of_queries(client, registers, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):  # count, the page with joins, desks (prefetch)
        body = get(client, AGENCIES, page_size=500)
    assert len(body["results"]) == 322


def test_page_size_is_chosen_by_the_client_and_capped(client, registers):
    load_units(["79", "31"])  # enough communes to pass the cap of 500
    total = AdministrativeUnit.objects.count()
    assert total > 500
    assert len(get(client, UNITS, page_size=7)["results"]) == 7
    assert len(get(client, UNITS)["results"]) == 50
    body = get(client, UNITS, page_size=10_000)
    assert (body["count"], len(body["results"])) == (total, 500)


# --- OpenAPI.


def test_schema_documents_the_registers_and_their_filters(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    for path in ("/api/v1/units/", "/api/v1/units/{code}/", "/api/v1/agencies/",
                 "/api/v1/agencies/{code}/"):
        assert "get" in paths[path], path
    unit_params = {p["name"]: p for p in paths["/api/v1/units/"]["get"]["parameters"]}
    assert {"level", "province", "parent", "code", "search", "page", "page_size"} <= set(
        unit_params)
    assert "Mã tỉnh" in unit_params["province"]["description"]
    assert set(unit_params["level"]["schema"]["enum"]) == {"province", "commune"}
    agency_params = {p["name"]: p for p in paths["/api/v1/agencies/"]["get"]["parameters"]}
    assert {"level", "province", "parent", "unit", "code", "search"} <= set(agency_params)
    assert "invalid_agency_code" in agency_params["code"]["description"]
    assert "không phân biệt dấu" in agency_params["search"]["description"]


def test_whole_schema_validates_without_warnings(tmp_path, capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))
    assert "/api/v1/dossiers/" in (tmp_path / "s.yml").read_text()


def test_every_api_section_has_a_vietnamese_name(tmp_path):
    """The API docs group operations by tag; a tag drf-spectacular derives from the URL
    ("v1") or an English word ("metrics") is no section name for a Vietnamese reader."""
    import json

    from django.core.management import call_command

    call_command("spectacular", "--format", "openapi-json", "--file", str(tmp_path / "s.json"))
    schema = json.loads((tmp_path / "s.json").read_text())
    tags = {tag for operations in schema["paths"].values()
            for operation in operations.values() for tag in operation.get("tags", [])}
    assert {"Thủ tục hành chính", "Hồ sơ", "Chỉ số phục vụ"} <= tags
    assert all(not tag.isascii() for tag in tags), tags


def test_api_root_lists_every_resource(client):
    root = client.get("/api/v1/").json()
    assert {"units", "agencies", "sectors", "procedures",
            "dossiers"} <= set(root)
