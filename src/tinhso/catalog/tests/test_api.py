"""The catalogue API: public reading with filters and search, administrator writing."""

import pytest
from rest_framework.test import APIClient

from tinhso.catalog import services
from tinhso.catalog.exchange import json_format
from tinhso.catalog.exchange.importer import import_document
from tinhso.catalog.models import Procedure, ProcedureVersion, Sector

from .conftest import fill_draft
from .docs import changed, dumps, procedure

Status = ProcedureVersion.Status


@pytest.fixture
def catalogue(place):
    """Four published procedures in two sectors, plus one procedure that is only a draft."""
    communes = [a.code for a in place.communes]

    def edit(doc):
        doc["procedures"][2]["version"]["online_level"] = "partial"
        doc["procedures"][3]["version"].update(at_commune=False, at_province=True)

    doc = {
        "sectors": [{"code": "HO_TICH", "name": "Hộ tịch"},
                    {"code": "XAY_DUNG", "name": "Xây dựng"}],
        "procedures": [
            procedure("1.001193", "Đăng ký khai sinh", communes),
            procedure("1.000894", "Đăng ký kết hôn", communes),
            procedure("1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
                      communes, sector="XAY_DUNG"),
            procedure("2.000123", "Cấp chứng chỉ hành nghề hoạt động xây dựng",
                      [place.construction.code], sector="XAY_DUNG"),
        ],
    }
    import_document(services.SYSTEM, json_format.read(dumps(changed(doc, edit))))
    services.create_procedure(place.admin, code="1.000001", name="Thủ tục đang soạn",
                              sector=Sector.objects.get(code="HO_TICH"))
    return place


@pytest.fixture
def client():
    return APIClient()


def codes(response):
    return [row["code"] for row in response.json()["results"]]


def test_anyone_can_list_published_procedures(client, catalogue):
    response = client.get("/api/v1/procedures/")
    assert response.status_code == 200
    assert codes(response) == ["1.000894", "1.001193", "1.009994", "2.000123"]
    first = response.json()["results"][0]
    assert first["sector"] == {"code": "HO_TICH", "name": "Hộ tịch"}
    assert first["current_version"]["number"] == 1
    assert first["current_version"]["status"] == "published"


def test_administrators_also_see_drafts(client, catalogue):
    client.force_authenticate(catalogue.admin)
    assert "1.000001" in codes(client.get("/api/v1/procedures/"))
    client.force_authenticate(catalogue.officer)
    assert "1.000001" not in codes(client.get("/api/v1/procedures/"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("sector=XAY_DUNG", ["1.009994", "2.000123"]),
        ("level=province", ["2.000123"]),
        ("level=commune", ["1.000894", "1.001193", "1.009994"]),
        ("online_level=partial", ["1.009994"]),
        ("agency=H44.7", ["2.000123"]),
        ("agency=H44.101", ["1.000894", "1.001193", "1.009994"]),
        ("search=KHAI SINH", ["1.001193"]),
        ("search=đăng ký", ["1.000894", "1.001193"]),
        ("search=giay phep  xay dung", ["1.009994"]),
        ("search=Nhà Ở riêng lẻ", ["1.009994"]),
        ("search=2.000", ["2.000123"]),
        ("search=ket hon&sector=XAY_DUNG", []),
    ],
)
def test_filters_and_search_ignoring_diacritics_and_case(client, catalogue, query, expected):
    response = client.get(f"/api/v1/procedures/?{query}")
    assert response.status_code == 200
    assert codes(response) == expected


def test_detail_by_code_has_the_current_version_parts(client, catalogue):
    response = client.get("/api/v1/procedures/1.001193/")
    assert response.status_code == 200
    version = response.json()["current_version"]
    assert version["number"] == 1 and version["processing_time"] == "5.0"
    assert [c["name"] for c in version["components"]] == ["Tờ khai theo mẫu",
                                                          "Căn cước công dân"]
    assert version["components"][1]["reusable_kind"] == "CCCD"
    [fee] = version["fees"]
    assert {k: fee[k] for k in ("order", "kind", "name", "amount", "note")} == {
        "order": 0, "kind": "charge", "name": "Lệ phí", "amount": 8000, "note": ""}
    assert (fee["case"], fee["channel"], fee["basis"], fee["currency"]) == (
        None, "", "fixed", "VND")
    assert version["results"] == [{"order": 0, "name": "Trích lục", "code": "",
                                   "template_name": "", "is_electronic": True}]
    assert version["cases"] == [] and version["times"] == []
    process = version["processes"][0]
    assert process["agency"] is None
    assert [(s["order"], s["share"]) for s in process["steps"]] == [
        (1, "10.00"), (2, "70.00"), (3, "20.00")]
    assert len(version["agencies"]) == 3


def test_unknown_or_draft_only_procedure_is_404_for_the_public(client, catalogue):
    assert client.get("/api/v1/procedure-versions/999999/").json()["code"] == "not_found"
    for code in ("9.999999", "1.000001"):
        response = client.get(f"/api/v1/procedures/{code}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


def test_sectors_are_public(client, catalogue):
    response = client.get("/api/v1/sectors/")
    assert response.status_code == 200
    assert response.json() == [{"code": "HO_TICH", "name": "Hộ tịch"},
                               {"code": "XAY_DUNG", "name": "Xây dựng"}]
    assert client.get("/api/v1/sectors/XAY_DUNG/").json()["name"] == "Xây dựng"


def test_anonymous_and_non_admin_writes_are_refused(client, catalogue):
    body = {"code": "1.000777", "name": "Thủ tục mới", "sector": "HO_TICH"}
    draft = ProcedureVersion.objects.get(procedure__code="1.000001")
    calls = [("/api/v1/procedures/", body), ("/api/v1/procedures/1.001193/new-version/", {}),
             (f"/api/v1/procedure-versions/{draft.pk}/publish/", {})]
    for url, data in calls:
        response = client.post(url, data, format="json")
        # 401 naming the scheme to use (API tokens; see core.api_auth)
        assert response.status_code == 401, url
        assert response.json()["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")
    client.force_authenticate(catalogue.officer)
    for url, data in calls:
        response = client.post(url, data, format="json")
        assert response.status_code == 403, url
        assert response.json() == {
            "code": "forbidden",
            "message": "Chỉ quản trị hệ thống được thay đổi danh mục thủ tục."}
    assert not Procedure.objects.filter(code="1.000777").exists()
    assert ProcedureVersion.objects.count() == 5


def test_administrator_creates_a_procedure_then_publishes_it(client, catalogue):
    client.force_authenticate(catalogue.admin)
    response = client.post("/api/v1/procedures/", {
        "code": "1.000777", "name": "Đăng ký giám hộ", "sector": "HO_TICH",
        "online_level": "full", "agencies": ["H44.100"]}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["current_version"] is None
    draft = ProcedureVersion.objects.get(procedure__code="1.000777")
    # Publishing an empty draft: refused with every reason.
    response = client.post(f"/api/v1/procedure-versions/{draft.pk}/publish/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "publish_invalid"
    assert "Thời hạn giải quyết phải lớn hơn 0." in body["details"]
    fill_draft(draft, catalogue.communes)
    response = client.post(f"/api/v1/procedure-versions/{draft.pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    again = client.post(f"/api/v1/procedure-versions/{draft.pk}/publish/")
    assert again.status_code == 409 and again.json()["code"] == "version_published"
    assert client.get("/api/v1/procedures/1.000777/").json()["current_version"]["number"] == 1


def test_create_with_bad_input_answers_in_the_error_shape(client, catalogue):
    client.force_authenticate(catalogue.admin)
    response = client.post("/api/v1/procedures/", {"code": "12", "name": "X",
                                                   "sector": "KHONG_CO"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "sector" in body["details"]
    response = client.post("/api/v1/procedures/", {"code": "12", "name": "X",
                                                   "sector": "HO_TICH"}, format="json")
    assert response.status_code == 400 and "code" in response.json()["details"]


def test_administrator_makes_a_new_version(client, catalogue):
    client.force_authenticate(catalogue.admin)
    response = client.post("/api/v1/procedures/1.001193/new-version/")
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["status"]) == (2, "draft")
    assert [c["name"] for c in body["components"]] == ["Tờ khai theo mẫu", "Căn cước công dân"]
    again = client.post("/api/v1/procedures/1.001193/new-version/")
    assert again.status_code == 409 and again.json()["code"] == "draft_exists"
    # The draft is visible to its administrators only.
    client.force_authenticate(None)
    assert client.get(f"/api/v1/procedure-versions/{body['id']}/").status_code == 404
    current = Procedure.objects.get(code="1.001193").current_version_id
    assert client.get(f"/api/v1/procedure-versions/{current}/").status_code == 200


def test_openapi_schema_describes_the_catalogue_in_vietnamese(client, catalogue):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    listing = paths["/api/v1/procedures/"]["get"]
    assert listing["summary"] == "Tra cứu thủ tục hành chính"
    assert {p["name"] for p in listing["parameters"]} >= {
        "sector", "agency", "level", "online_level", "search"}
    publish = paths["/api/v1/procedure-versions/{id}/publish/"]["post"]
    assert publish["summary"] == "Công bố phiên bản (quản trị)"
