"""The documents API: the same services behind JSON, keyset pages, errors in one shape."""

import pytest
from rest_framework.test import APIClient

from tinhso.documents import services
from tinhso.documents.models import Document, Status

from .test_outgoing import draft, to_sealed

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_draft_to_issue_and_receive_through_the_api(office, commune):
    specialist = client_for(office.specialist)
    answer = specialist.post("/api/v1/documents/", {
        "doc_type": "QĐ", "subject": "Về việc phê duyệt danh mục dự án đầu tư công năm 2027",
        "content": "Điều 1. Phê duyệt danh mục.", "recipients": [commune.agency.code],
        "external": [{"organ_id": "000.00.01.H26", "name": "Bộ Xây dựng"}]}, format="json")
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    assert answer.json()["allowed_actions"][:2] == ["submit", "revise"]
    assert specialist.post(f"/api/v1/documents/{pk}/submit/").status_code == 200
    wrong = client_for(office.leader).post(f"/api/v1/documents/{pk}/approve/")
    assert wrong.status_code == 409 and wrong.json()["code"] == "wrong_status"
    client_for(office.head).post(f"/api/v1/documents/{pk}/review/", {"note": "Đạt"})
    leader = client_for(office.leader)
    leader.post(f"/api/v1/documents/{pk}/approve/")
    assert leader.post(f"/api/v1/documents/{pk}/sign/").json()["status"] == Status.SIGNED
    clerk = client_for(office.clerk)
    clerk.post(f"/api/v1/documents/{pk}/seal/")
    issued = clerk.post(f"/api/v1/documents/{pk}/issue/").json()
    assert issued["notation"] == "01/QĐ-SXD"
    assert {r["state"] for r in issued["recipients"]} == {"arrived", "pending"}

    inbox = client_for(commune.clerk).get("/api/v1/documents/", {"direction": "in",
                                                                 "queue": "to_register"})
    rows = inbox.json()["results"]
    assert [r["notation"] for r in rows] == ["01/QĐ-SXD"] and "content" not in rows[0]
    copy = rows[0]["id"]
    assert client_for(office.clerk).get(f"/api/v1/documents/{copy}/").status_code == 404
    registered = client_for(commune.clerk).post(f"/api/v1/documents/{copy}/register/").json()
    assert registered["number"] == 1
    bad = client_for(commune.leader).post(f"/api/v1/documents/{copy}/assign/",
                                          {"assignee": office.specialist.username, "days": 3})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_assignee"
    found = client_for(commune.specialist).get("/api/v1/documents/search/",
                                               {"q": "dau tu cong"}).json()
    assert [r["id"] for r in found["results"]] == [copy]
    assert Document.objects.get(pk=copy).status == Status.REGISTERED


def test_receivers_of_an_issued_document_updated_through_the_api(office, commune):
    document = services.issue(office.clerk, to_sealed(office, draft(office, [commune.agency])))
    clerk = client_for(office.clerk)
    assert "update_recipients" in clerk.get(f"/api/v1/documents/{document.pk}/").json()[
        "allowed_actions"]
    url = f"/api/v1/documents/{document.pk}/update-recipients/"
    missing = clerk.post(url, {"external": [{"organ_id": "000.00.01.H26", "name": "Bộ XD"}]},
                         format="json")
    assert missing.status_code == 400 and "reason" in missing.json()["details"]
    answer = clerk.post(url, {"external": [{"organ_id": "000.00.01.H26", "name": "Bộ Xây dựng"}],
                              "remove": [document.recipients.get().pk],
                              "reason": "Văn bản thuộc thẩm quyền của Bộ."}, format="json")
    assert answer.status_code == 200, answer.json()
    assert sorted((r["organ_id"], r["state"]) for r in answer.json()["recipients"]) == [
        ("000.00.01.H26", "pending"), (commune.agency.code, "recalled")]
