"""The officials' petitions API (/api/v1/petitions/): scoped list with filters, detail, the
actions as POST endpoints, and its place in the OpenAPI schema."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tinhso.petitions import services
from tinhso.petitions.models import Petition

pytestmark = pytest.mark.django_db
API = "/api/v1/petitions/"


def filed(agency, title="Chậm trả kết quả") -> Petition:
    return services.submit(None, services.PetitionInput(
        kind="proposal", title=title, content="Đề nghị kéo dài giờ làm việc.",
        name="Lê Thị Hoa", phone="0987654321", agency_id=agency.pk))


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_list_is_scoped_to_the_official_s_agency_and_filtered(province):
    ours, theirs = filed(province.agency), filed(province.other_agency)
    late = filed(province.agency, "Quá hạn")
    Petition.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client = api(province.officer)
    body = client.get(API).json()
    assert {p["code"] for p in body["results"]} == {ours.code, late.code}
    assert theirs.code not in str(body)
    overdue = client.get(API, {"queue": "overdue"}).json()["results"]
    assert [p["code"] for p in overdue] == [late.code] and overdue[0]["overdue"] is True
    assert client.get(API, {"status": "answered"}).json()["results"] == []
    bad = client.get(API, {"queue": "nowhere"})
    assert bad.status_code == 400 and "queue" in bad.json()["details"]
    assert APIClient().get(API).status_code in (401, 403)
    assert api(province.citizen).get(API).json()["results"] == []


def test_detail_and_404_outside_the_scope(province):
    ours, theirs = filed(province.agency), filed(province.other_agency)
    client = api(province.officer)
    body = client.get(f"{API}{ours.code}/").json()
    assert body["agency"] == province.agency.code and body["status"] == "received"
    assert body["allowed_actions"] == ["assign", "ask_for_info", "refuse", "forward", "answer"]
    assert body["refuse_due_at"] and body["info_due_at"] and body["due_at"]
    missing = client.get(f"{API}{theirs.code}/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert client.post(f"{API}{theirs.code}/answer/", {"text": "x"}).status_code == 404


def test_actions_assign_ask_answer_publish(province):
    p = filed(province.agency)
    client = api(province.officer)
    url = f"{API}{p.code}/"
    response = client.post(url + "assign/", {"assignee": province.other_officer.username})
    assert response.status_code == 400 and response.json()["code"] == "invalid_assignee"
    response = client.post(url + "assign/", {"assignee": province.specialist.username})
    assert response.status_code == 200 and response.json()["assignee"] == "chuyenvien"
    response = client.post(url + "ask-for-info/", {"text": "Xin mã hồ sơ liên quan."})
    assert response.json()["status"] == "waiting" and response.json()["paused_since"]
    response = client.post(url + "answer/", {"text": "Trả lời"})
    assert response.status_code == 400 and response.json()["code"] == "waiting"
    services.supply_info(p, text="Mã H44.07-260301-0001")
    response = client.post(url + "answer/", {"text": "Đã trả kết quả.", "publish": False},
                           format="json")
    assert response.status_code == 200 and response.json()["allowed_actions"] == ["publish"]
    response = client.post(url + "publish/", {}, format="json")
    assert response.json()["is_public"] is True and response.json()["published_at"]
    assert client.post(url + "publish/", {}, format="json").json()["code"] == "published"


def test_refuse_and_forward_by_agency_code(province):
    p, q = filed(province.agency), filed(province.agency)
    client = api(province.officer)
    response = client.post(f"{API}{p.code}/refuse/", {"reason": ""})
    assert response.status_code == 400
    response = client.post(f"{API}{p.code}/refuse/", {"reason": "Trùng nội dung"})
    assert response.json()["status"] == "refused" and response.json()["closed_on_time"]
    response = client.post(f"{API}{q.code}/forward/", {"agency": "H99.999"})
    assert response.status_code == 400
    response = client.post(f"{API}{q.code}/forward/", {"agency": province.other_agency.code})
    assert response.status_code == 200 and response.json()["agency"] == "H44.08"
    assert client.get(f"{API}{q.code}/").status_code == 404  # no longer ours


def test_the_openapi_schema_describes_the_petitions_api(province, client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert paths["/api/v1/petitions/"]["get"]["summary"] == "Danh sách phản ánh, kiến nghị"
    names = {p["name"] for p in paths["/api/v1/petitions/"]["get"]["parameters"]}
    assert {"status", "queue", "page"} <= names
    for action in ("assign", "ask-for-info", "refuse", "forward", "answer", "publish"):
        operation = paths[f"/api/v1/petitions/{{code}}/{action}/"]["post"]
        assert "404" in operation["responses"] and "400" in operation["responses"]
