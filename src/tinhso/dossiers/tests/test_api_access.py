"""Dossier API, read side: who sees what, filters, pagination, worklists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tinhso.dossiers.models import Status

from .conftest import OTHER_CITIZEN_ID, citizen_applicant, submit_online

URL = "/api/v1/dossiers/"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def codes(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["code"] for row in response.json()["results"]}


@pytest.fixture
def two_owners(province, make_dossier):
    mine = make_dossier()
    theirs = submit_online(province, user=province.other_citizen,
                           applicant=citizen_applicant(OTHER_CITIZEN_ID, "Lê Thị Khác"))
    return mine, theirs


def test_applicant_sees_only_own_dossiers(province, two_owners):
    mine, theirs = two_owners
    client = client_for(province.citizen)
    assert codes(client.get(URL)) == {mine.code}
    assert client.get(f"{URL}{mine.code}/").status_code == 200
    response = client.get(f"{URL}{theirs.code}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_official_of_other_agency_gets_404(province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    outsider = client_for(province.other_officer)
    assert outsider.get(f"{URL}{dossier.code}/").status_code == 404
    assert codes(outsider.get(URL)) == set()
    insider = client_for(province.officer)
    assert insider.get(f"{URL}{dossier.code}/").status_code == 200
    assert codes(insider.get(URL)) == {dossier.code}


def test_supervisor_sees_every_agency(province, make_dossier):
    home = make_dossier()
    commune = make_dossier(agency=province.commune)
    assert codes(client_for(province.supervisor).get(URL)) == {home.code, commune.code}
    # The home agency's officer does not see the commune's dossier.
    assert codes(client_for(province.officer).get(URL)) == {home.code}


def test_anonymous_is_refused(make_dossier):
    dossier = make_dossier()
    response = client_for(None).get(f"{URL}{dossier.code}/")
    assert response.status_code in (401, 403)
    assert response.json()["message"] == "Bạn cần đăng nhập."


def test_detail_shows_timeline_components_and_allowed_actions(province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    response = client_for(province.officer).get(f"{URL}{dossier.code}/")
    body = response.json()
    assert response["ETag"] == f'"{body["lock_version"]}"'
    assert [e["action"] for e in body["events"]] == ["submit", "receive"]
    assert body["events"][1]["action_label"] == "Tiếp nhận"
    assert {c["name"] for c in body["components"]} == {"Tờ khai", "Căn cước"}
    assert body["procedure"] == {"code": "1.001234", "name": "Cấp bản sao trích lục hộ tịch"}
    assert body["status_label"] == "Được tiếp nhận"
    # The officer may start, ask for papers or money, record a payment, withdraw at the desk.
    assert "start" in body["allowed_actions"]
    assert "receive" not in body["allowed_actions"]
    # The applicant sees the same dossier with only their own actions.
    mine = client_for(province.citizen).get(f"{URL}{dossier.code}/").json()
    assert mine["allowed_actions"] == ["withdraw"]


def test_filters(province, make_dossier):
    submitted = make_dossier()
    received = make_dossier(Status.RECEIVED)  # received 13 Feb 2026, due 27 Feb: late now
    returned = make_dossier(Status.RETURNED)
    client = client_for(province.officer)
    assert codes(client.get(URL, {"status": 2})) == {received.code}
    assert codes(client.get(URL, {"overdue": "true"})) == {received.code}
    assert codes(client.get(URL, {"overdue": "false"})) == {submitted.code, returned.code}
    assert codes(client.get(URL, {"received_from": "2026-02-13",
                                  "received_to": "2026-02-13"})) == {received.code,
                                                                    returned.code}
    assert codes(client.get(URL, {"received_from": "2026-02-14"})) == set()
    assert codes(client.get(URL, {"received_to": "2026-02-12"})) == set()
    assert codes(client.get(URL, {"q": returned.code})) == {returned.code}
    assert len(codes(client.get(URL, {"q": "trần văn"}))) == 3  # applicant name, any case
    assert codes(client.get(URL, {"procedure": "9.999999"})) == set()
    assert len(codes(client.get(URL, {"agency": "H44.07"}))) == 3
    bad = client.get(URL, {"status": 42, "received_from": "13/02/2026"})
    assert bad.status_code == 400
    assert set(bad.json()["details"]) == {"status", "received_from"}


def test_pagination(province, make_dossier):
    made = [make_dossier() for _ in range(3)]
    client = client_for(province.officer)
    first = client.get(URL, {"page_size": 2}).json()
    assert first["count"] == 3
    assert len(first["results"]) == 2
    assert first["next"]
    second = client.get(URL, {"page_size": 2, "page": 2}).json()
    seen = [r["code"] for r in first["results"] + second["results"]]
    # Newest submission first, ties broken by the newest row.
    assert seen == [d.code for d in reversed(made)]


def test_a_page_reads_its_rows_and_the_count_together(province, make_dossier):
    made = [make_dossier() for _ in range(5)]
    client = client_for(province.officer)
    client.get(URL)  # the user's roles are read once and cached
    with CaptureQueriesContext(connection) as read:
        last = client.get(URL, {"page_size": 2, "page": 3}).json()
    counting = [q["sql"] for q in read.captured_queries if "COUNT(" in q["sql"].upper()]
    # No separate count: the statement that counts is the one that reads the page's rows.
    assert len(counting) == 1 and '"dossiers_dossier"."applicant_name"' in counting[0]
    assert last["count"] == 5 and last["next"] is None
    assert [r["code"] for r in last["results"]] == [made[0].code]
    assert client.get(URL, {"page_size": 2, "page": 4}).status_code == 404
    due = client.get(f"{URL}worklist/", {"bucket": "to_receive", "page_size": 4}).json()
    assert due["count"] == 5 and len(due["results"]) == 4


def test_list_runs_a_fixed_number_of_queries(province, make_dossier):
    client = client_for(province.supervisor)
    make_dossier()
    client.get(URL)  # the user's roles are read once and cached
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    for _ in range(4):
        make_dossier(agency=province.commune)
    with CaptureQueriesContext(connection) as five:
        assert len(client.get(URL).json()["results"]) == 5
    assert len(five) == len(one)


def test_worklist_endpoint(province, make_dossier):
    waiting = make_dossier()
    late = make_dossier(Status.RECEIVED)
    client = client_for(province.officer)
    assert codes(client.get(f"{URL}worklist/", {"bucket": "to_receive"})) == {waiting.code}
    assert codes(client.get(f"{URL}worklist/", {"bucket": "overdue"})) == {late.code}
    response = client.get(f"{URL}worklist/", {"bucket": "someday"})
    assert response.status_code == 400
    assert "bucket" in response.json()["details"]


def test_admin_shows_dossiers_read_only(client, make_dossier):
    from tinhso.core.models import User

    dossier = make_dossier(Status.RECEIVED)
    client.force_login(User.objects.create_superuser("quantri", password=None))
    listing = client.get("/admin/dossiers/dossier/")
    assert dossier.code in listing.content.decode()
    page = client.get(f"/admin/dossiers/dossier/{dossier.pk}/change/").content.decode()
    assert page.count(">receive<") == 1  # the receipt event is listed in the timeline
    assert 'name="status"' not in page  # no editable status field
    assert client.post(f"/admin/dossiers/dossier/{dossier.pk}/change/",
                       {"status": 9}).status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_lookup_reads_the_dossier_once(province, make_dossier):
    from tinhso.dossiers import lifecycle

    dossier = make_dossier(Status.PROCESSING)
    lifecycle.request_payment(province.specialist, dossier, amount=10_000)
    client = client_for(province.officer)
    client.get(f"{URL}{dossier.code}/")  # the user's roles are read once and cached
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(f"{URL}{dossier.code}/").json()
    assert [e["action"] for e in body["events"]] == [
        "submit", "receive", "start", "request_payment"]
    assert len(body["components"]) == 2
    # The dossier with its agencies, procedure and step in one query, then its papers and
    # events (with their agencies); no results, payments or supplement requests to read.
    # Then the official's read goes into the audit log: one INSERT, no lock, no other read.
    dossier_reads = [q for q in ctx.captured_queries
                     if 'FROM "dossiers_dossier"' in q["sql"]]
    assert len(dossier_reads) == 1
    assert len(ctx) == 4, [q["sql"] for q in ctx.captured_queries]
    last = ctx.captured_queries[-1]["sql"].replace('"', "")
    assert last.startswith("INSERT INTO core_auditentry")


def test_search_by_name_needs_three_characters(province, make_dossier):
    short = make_dossier(applicant=citizen_applicant(name="Vũ Thị Hà"))
    client = client_for(province.officer)
    assert codes(client.get(URL, {"q": "Hà"})) == set()  # too short for a name
    assert codes(client.get(URL, {"q": "ị Hà"})) == {short.code}
    assert codes(client.get(URL, {"q": short.code.lower()})) == {short.code}


def test_search_ignores_diacritics_and_case(province, make_dossier):
    an = make_dossier(applicant=citizen_applicant(name="Nguyễn Văn An"))
    make_dossier(applicant=citizen_applicant(name="Nguyễn Thị Bình"))
    client = client_for(province.officer)
    assert codes(client.get(URL, {"q": "nguyen van an"})) == {an.code}
    assert len(codes(client.get(URL, {"q": "NGUYEN"}))) == 2
    assert codes(client.get(URL, {"q": an.code.split("-", 1)[1]})) == {an.code}  # a fragment


def test_officials_name_search_covers_received_and_handled_dossiers(province, make_dossier):
    from tinhso.dossiers import lifecycle

    p = province
    here = make_dossier(applicant=citizen_applicant(name="Đỗ Minh Khoa"))
    sent = lifecycle.transfer(p.specialist, make_dossier(
        Status.PROCESSING, applicant=citizen_applicant(name="Phan Minh Khoa")),
        to_agency=p.other_agency)
    make_dossier(agency=p.commune, applicant=citizen_applicant(name="Hồ Minh Khoa"))
    assert codes(client_for(p.officer).get(URL, {"q": "minh khoa"})) == {here.code, sent.code}
    assert codes(client_for(p.other_officer).get(URL, {"q": "minh khoa"})) == {sent.code}
    assert len(codes(client_for(p.supervisor).get(URL, {"q": "minh khoa"}))) == 3


def test_list_count_is_capped(province, make_dossier, monkeypatch):
    from tinhso.dossiers.api import paging

    for _ in range(3):
        make_dossier()
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    body = client_for(province.officer).get(URL, {"page_size": 1}).json()
    assert body["count"] == 2
    assert len(body["results"]) == 1 and body["next"]
