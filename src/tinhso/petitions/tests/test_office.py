"""The back office's petitions section (/office/petitions/): each agency's inbox and queues,
404 for another agency's petition, the actions through the services."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tinhso.petitions import services
from tinhso.petitions.models import Petition

pytestmark = pytest.mark.django_db


def filed(agency, title="Chậm trả kết quả", when=None) -> Petition:
    return services.submit(None, services.PetitionInput(
        kind="feedback", title=title, content="Hồ sơ quá hạn.", name="Trần Văn Dân",
        phone="0912345678", agency_id=agency.pk), at=when)


def test_the_url_is_stable_and_the_nav_links_to_it(province, login):
    assert reverse("backoffice:petitions") == "/office/petitions/"
    html = login(province.officer).get("/office/").content.decode()
    assert 'id="nav-petitions" href="/office/petitions/"' in html
    assert "Phản ánh, kiến nghị" in html


def test_an_official_sees_only_the_agency_s_petitions(province, login):
    ours = filed(province.agency, "Của Sở Tư pháp")
    theirs = filed(province.other_agency, "Của Sở Xây dựng")
    client = login(province.officer)
    response = client.get("/office/petitions/")
    assert response.status_code == 200
    html = response.content.decode()
    assert ours.code in html and theirs.code not in html
    assert client.get(f"/office/petitions/{ours.code}/").status_code == 200
    assert client.get(f"/office/petitions/{theirs.code}/").status_code == 404
    url = reverse("backoffice:petition_act", args=[theirs.code, "answer"])
    assert client.post(url, {"answer-text": "Không phải của tôi"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Petition.Status.RECEIVED
    # A citizen is sent to the officials' log-in page.
    assert login(province.citizen).get("/office/petitions/").status_code == 302


def test_queues_due_soon_and_overdue(province, login):
    now = timezone.now()
    overdue, soon, fresh = (filed(province.agency, t) for t in ("Quá hạn", "Sắp đến hạn",
                                                                 "Mới gửi"))
    Petition.objects.filter(pk=overdue.pk).update(due_at=now - timedelta(hours=1))
    Petition.objects.filter(pk=soon.pk).update(due_at=now + timedelta(hours=2))
    client = login(province.officer)
    page = client.get("/office/petitions/", {"queue": "overdue"})
    assert [p.code for p in page.context["page"].object_list] == [overdue.code]
    assert 'id="petition-count-overdue" data-count="1"' in page.content.decode()
    page = client.get("/office/petitions/", {"queue": "due_soon"})
    assert [p.code for p in page.context["page"].object_list] == [soon.code]
    assert fresh.code in client.get("/office/petitions/", {"queue": "open"}).content.decode()


def test_assign_answer_and_publish_in_the_back_office(province, login):
    p = filed(province.agency)
    client = login(province.officer)
    html = client.get(f"/office/petitions/{p.code}/").content.decode()
    for action in ("assign", "ask_for_info", "refuse", "forward", "answer"):
        assert f'id="action-{action}"' in html
    assert 'for="id_assign-assignee"' in html and 'for="id_answer-text"' in html
    act = lambda action: reverse("backoffice:petition_act", args=[p.code, action])  # noqa: E731
    response = client.post(act("assign"), {"assign-assignee": province.specialist.pk})
    assert response.status_code == 302 and response["Location"] == f"/office/petitions/{p.code}/"
    # An empty answer is refused, in Vietnamese, on the same page.
    response = client.post(act("answer"), {"answer-text": ""})
    assert response.status_code == 400 and "Trường này là bắt buộc" in response.content.decode()
    client.post(act("answer"), {"answer-text": "Đã trả kết quả cho ông."})
    p.refresh_from_db()
    assert p.status == Petition.Status.ANSWERED and p.assignee == province.specialist
    assert not p.is_public
    mine = client.get("/office/petitions/", {"queue": "to_publish"}).context["page"]
    assert [x.code for x in mine.object_list] == [p.code]
    response = client.post(act("publish"), {})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.is_public and p.published_at is not None
    # Nothing left to do: the page says so; another try is refused with a message.
    html = client.get(f"/office/petitions/{p.code}/").content.decode()
    assert 'id="no-actions"' in html
    response = client.post(act("publish"), {}, follow=True)
    assert "đã được công khai" in response.content.decode()


def test_forwarding_leaves_the_inbox(province, login):
    p = filed(province.agency)
    client = login(province.officer)
    url = reverse("backoffice:petition_act", args=[p.code, "forward"])
    response = client.post(url, {"forward-agency": province.other_agency.pk,
                                 "forward-note": "Thuộc thẩm quyền Sở Xây dựng"})
    assert response.status_code == 302 and response["Location"] == "/office/petitions/"
    assert client.get(f"/office/petitions/{p.code}/").status_code == 404
    other = login(province.other_officer)
    assert other.get(f"/office/petitions/{p.code}/").status_code == 200
