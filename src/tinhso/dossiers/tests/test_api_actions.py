"""Dossier API, write side: submission, desk intake and every lifecycle action."""

import pytest
from rest_framework.test import APIClient

from tinhso.dossiers.models import Dossier, Status

from .conftest import CITIZEN_ID

URL = "/api/v1/dossiers/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def submission(p, refs=("GT-0", "GT-0"), **applicant) -> dict:
    """A JSON online submission; the papers come from the applicant's e-data store (`refs`,
    see `stored`: the API takes no files)."""
    return {
        "procedure": p.procedure.code,
        "agency": p.agency.code,
        "applicant": {"kind": "citizen", "name": "Trần Văn Dân", "id_number": CITIZEN_ID,
                      "phone": "0912345678", **applicant},
        "components": [
            {"name": "Tờ khai", "component_id": p.form.pk, "reused_from": refs[0]},
            {"name": "Căn cước", "component_id": p.id_copy.pk, "reused_from": refs[1]},
        ],
    }


def stored_refs(p, make_dossier, user=None) -> tuple[str, str]:
    """References of the papers of an earlier dossier of `user` (default: the citizen)."""
    earlier = make_dossier(**({"user": user} if user else {}))
    return tuple(f"GT-{c.pk}" for c in earlier.components.order_by("component__order"))


@pytest.fixture
def stored(province, make_dossier):
    return stored_refs(province, make_dossier)


def act(client, code, action, status=200, **data):
    response = client.post(f"{URL}{code}/{action}/", data, format="json")
    assert response.status_code == status, response.content
    return response.json()


def test_main_journey_through_the_api(province, stored):
    p = province
    citizen, officer = client_for(p.citizen), client_for(p.officer)
    response = citizen.post(URL, submission(p, stored), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    code = body["code"]
    assert body["status"] == Status.SUBMITTED
    assert body["channel"] == 2
    assert body["fees_owed"] == 70_000

    body = act(officer, code, "receive", note="Đủ giấy tờ")
    assert body["status"] == Status.RECEIVED and body["due_at"]
    assert act(officer, code, "start")["current_step"]["order"] == 1
    body = act(client_for(p.specialist), code, "forward", note="Đề nghị duyệt")
    assert body["current_step"]["order"] == 2
    body = act(client_for(p.division_head), code, "finish",  # the step 2 holder
               results=[{"name": "Trích lục", "number": "12/TL"}])
    assert body["status"] == Status.FINISHED
    assert body["results"][0]["number"] == "12/TL"
    assert act(officer, code, "return-result")["status"] == Status.RETURNED
    body = act(citizen, code, "rate", rating=5)
    assert body["rating"] == 5
    assert [e["action"] for e in body["events"]] == [
        "submit", "receive", "start", "forward", "finish", "return_result", "rate"]
    assert body["events"][1]["note"] == "Đủ giấy tờ"
    assert body["allowed_actions"] == []


def test_transition_not_allowed_is_409_in_vietnamese(province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    body = act(client_for(province.officer), dossier.code, "receive", status=409)
    assert body["code"] == "transition_not_allowed"
    assert body["message"] == ("Không thể “Tiếp nhận” khi hồ sơ đang ở trạng thái "
                               "“Được tiếp nhận”.")


def test_applicant_may_not_take_an_officials_action(province, make_dossier):
    dossier = make_dossier()
    body = act(client_for(province.citizen), dossier.code, "receive", status=403)
    assert body["code"] == "forbidden"
    assert Dossier.objects.get(pk=dossier.pk).status == Status.SUBMITTED


def test_other_agency_cannot_act(province, make_dossier):
    dossier = make_dossier()
    act(client_for(province.other_officer), dossier.code, "receive", status=404)


def test_bad_personal_id_is_400(province):
    data = submission(province, id_number="12345")
    response = client_for(province.citizen).post(URL, data, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "Dữ liệu gửi lên không hợp lệ."
    assert body["details"]["applicant"]["id_number"] == [
        "Số định danh cá nhân phải gồm đúng 12 chữ số."]
    assert not Dossier.objects.exists()


def test_missing_fields_are_400(province, make_dossier):
    data = submission(province)
    del data["procedure"]
    data["applicant"]["phone"] = "12ab"
    response = client_for(province.citizen).post(URL, data, format="json")
    assert response.status_code == 400
    details = response.json()["details"]
    assert details["procedure"] == ["Trường này là bắt buộc."]
    assert details["applicant"]["phone"] == ["Số điện thoại không đúng dạng (ví dụ 0912345678)."]
    dossier = make_dossier()
    body = act(client_for(province.officer), dossier.code, "refuse", status=400)
    assert body["details"]["reason"] == ["Trường này là bắt buộc."]
    body = act(client_for(province.officer), dossier.code, "refuse", status=400,
               reason="Sai", expected_version="x")
    assert "expected_version" in body["details"]


def test_unknown_procedure_code_is_400(province):
    data = submission(province)
    data["procedure"] = "9.999999"
    response = client_for(province.citizen).post(URL, data, format="json")
    assert response.status_code == 400
    assert response.json()["details"]["procedure"] == [
        "Không tìm thấy thủ tục có mã “9.999999”."]


def test_idempotency_key_makes_one_dossier(province, make_dossier, stored):
    client = client_for(province.citizen)
    headers = {"Idempotency-Key": "form-7f3a"}
    first = client.post(URL, submission(province, stored), format="json", headers=headers)
    second = client.post(URL, submission(province, stored), format="json", headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()
    assert Dossier.objects.count() == 2  # with the earlier one the papers come from
    # The same key for different content is refused, not silently merged.
    other = submission(province, stored)
    other["components"][1] = {"name": "Căn cước mới", "component_id": province.id_copy.pk,
                              "reused_from": stored[1]}
    conflict = client.post(URL, other, format="json", headers=headers)
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "idempotency_conflict"
    # Another account's identical key is its own namespace.
    theirs = stored_refs(province, make_dossier, province.other_citizen)
    third = client_for(province.other_citizen).post(
        URL, submission(province, theirs, id_number="001301004321", name="Lê Thị Khác"),
        format="json", headers=headers)
    assert third.status_code == 201
    assert Dossier.objects.count() == 4


def test_stale_version_is_409(province, make_dossier):
    dossier = make_dossier()
    officer = client_for(province.officer)
    version = officer.get(f"{URL}{dossier.code}/").json()["lock_version"]
    body = act(officer, dossier.code, "receive", status=409, expected_version=version + 1)
    assert body["code"] == "stale_version"
    assert body["message"] == "Dữ liệu đã bị thay đổi bởi người khác, vui lòng tải lại."
    stale = officer.post(f"{URL}{dossier.code}/receive/", {}, format="json",
                         headers={"If-Match": f'"{version + 1}"'})
    assert stale.status_code == 409
    fresh = officer.post(f"{URL}{dossier.code}/receive/", {}, format="json",
                         headers={"If-Match": f'"{version}"'})
    assert fresh.status_code == 200
    assert fresh["ETag"] == f'"{version + 1}"'
    assert officer.post(f"{URL}{dossier.code}/start/", {}, format="json",
                        headers={"If-Match": "abc"}).status_code == 400


def test_desk_intake(province):
    data = submission(province)
    del data["agency"]
    data["components"] = [{"name": "Tờ khai", "component_id": province.form.pk},
                          {"name": "Căn cước", "component_id": province.id_copy.pk}]
    response = client_for(province.officer).post(f"{URL}intake/", data, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == Status.RECEIVED
    assert body["channel"] == 1
    assert body["agency"]["code"] == "H44.07"
    assert body["due_at"]
    # The citizen with that personal id sees the desk dossier in their portal.
    assert client_for(province.citizen).get(f"{URL}{body['code']}/").status_code == 200


@pytest.mark.parametrize(("status", "who", "action", "data", "expected"), [
    (Status.SUBMITTED, "officer", "refuse", {"reason": "Sai thẩm quyền"}, Status.REFUSED),
    (Status.RECEIVED, "citizen", "withdraw", {"reason": "Không cần nữa"}, Status.WITHDRAWN),
    (Status.PROCESSING, "leader", "stop", {"reason": "Chủ hồ sơ đã mất"}, Status.STOPPED),
    (Status.PROCESSING, "specialist", "request-supplement", {"reasons": "Thiếu ảnh"},
     Status.SUPPLEMENT_REQUESTED),
    (Status.SUPPLEMENT_REQUESTED, "citizen", "supplement",
     {"components": [{"name": "Ảnh 4x6", "reused_from": "own"}]}, Status.PROCESSING),
    (Status.PROCESSING, "specialist", "request-payment", {"amount": 30_000},
     Status.PAYMENT_REQUESTED),
    (Status.PAYMENT_REQUESTED, "officer", "record-payment",
     {"amount": 100_000, "method": 3, "reference": "BL-01"}, Status.PROCESSING),
])
def test_other_actions_call_through(province, make_dossier, status, who, action, data,
                                    expected):
    dossier = make_dossier(status)
    if data.get("components"):  # reused from the citizen's own store
        data = {"components": [{**c, "reused_from": f"GT-{dossier.components.first().pk}"}
                               for c in data["components"]]}
    body = act(client_for(getattr(province, who)), dossier.code, action, **data)
    assert body["status"] == expected
    assert body["events"][-1]["action"] == action.replace("-", "_")


def test_transfer_and_back(province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    body = act(client_for(province.specialist), dossier.code, "transfer",
               to_agency="H44.08", note="Xin ý kiến")
    assert body["current_agency"]["code"] == "H44.08"
    # The other agency now sees and handles it; it answers even after handing it back.
    body = act(client_for(province.other_specialist), dossier.code, "transfer-back")
    assert body["current_agency"]["code"] == "H44.07"
    body = act(client_for(province.specialist), dossier.code, "transfer", status=400,
               to_agency="Z99.1")
    assert body["details"]["to_agency"] == ["Không tìm thấy cơ quan liên thông có mã “Z99.1”."]


def test_rate_out_of_range_is_400(province, make_dossier):
    dossier = make_dossier(Status.RETURNED)
    body = act(client_for(province.citizen), dossier.code, "rate", status=400, rating=6)
    assert body["details"]["rating"] == ["Mức đánh giá phải từ 1 đến 5."]


def test_submission_round_trips(province, stored):
    """An online submission: the form's procedure and agency, the version (with the agency
    check and the fees), its components, the code, the dossier, its papers and its event;
    the 201 body comes from memory. Not counted: what runs after commit (other apps)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(province.citizen)
    client.post(URL, submission(province, stored), format="json")  # warm the user's roles
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(URL, submission(province, stored), format="json",
                               headers={"Idempotency-Key": "count-1"})
    assert response.status_code == 201, response.content
    statements = [q["sql"] for q in ctx.captured_queries
                  if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= 8, "\n".join(statements)  # 24 before issue 6
    body = response.json()
    stored = client.get(f"{URL}{body['code']}/").json()
    assert body == {**stored, "allowed_actions": body["allowed_actions"]}
    assert body["fees_owed"] == 70_000 and len(body["components"]) == 2


def test_a_paper_named_as_the_catalogue_publishes_it_is_accepted(province, stored):
    """Published names of papers run to thousands of characters; the API takes them whole."""
    body = submission(province, stored)
    body["components"][0]["name"] = "Tờ khai thay đổi thông tin cư trú " * 40  # 1,360 chars
    response = client_for(province.citizen).post(URL, body, format="json")
    assert response.status_code == 201, response.content
    names = {c["name"] for c in response.json()["components"]}
    assert body["components"][0]["name"].strip() in names
