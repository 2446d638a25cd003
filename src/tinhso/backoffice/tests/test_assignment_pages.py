"""Assigned work in the back office: my own queues, the unit head's view of the unit, the
assignee on the dossier page, and the pages that choose, hand over and take over a step."""

import pytest
from django.urls import reverse

from tinhso.core.roles import Role
from tinhso.dossiers.models import Status
from tinhso.dossiers.tests.conftest import make_user

from .test_actions import act_url, messages_of, post, reload


@pytest.fixture
def second(province):
    return make_user("chuyenvien2", agency=province.agency, roles=[Role.SPECIALIST],
                     full_name="Lê Thị Hai")


def page(client, dossier) -> str:
    return client.get(reverse("backoffice:dossier", args=[dossier.code])).content.decode()


def test_the_unit_head_sees_each_officials_load(login, province, make_dossier, second):
    mine, theirs = make_dossier(Status.PROCESSING), make_dossier(Status.PROCESSING)
    html = login(province.leader).get(reverse("backoffice:index")).content.decode()
    assert 'id="unit-load"' in html
    assert ('<tr data-username="chuyenvien" data-open="1" data-overdue="1">' in html
            and '<tr data-username="chuyenvien2" data-open="1" data-overdue="1">' in html)
    assert 'id="count-unassigned" data-count="0"' in html
    # A specialist's page: their own dossier, not their colleague's, and no unit table.
    html = login(province.specialist).get(reverse("backoffice:index")).content.decode()
    assert 'id="unit-load"' not in html
    assert mine.code in html and theirs.code not in html


def test_the_page_names_the_assignee_and_offers_their_buttons(login, province, make_dossier,
                                                                second):
    dossier = make_dossier(Status.PROCESSING)  # the specialist's
    html = page(login(province.specialist), dossier)
    assert 'id="assignee" data-username="chuyenvien"' in html
    assert 'id="action-forward"' in html and 'id="action-reassign"' in html
    assert 'id="action-take_over"' not in html
    html = page(login(second), dossier)
    assert 'id="action-take_over"' in html
    assert 'id="action-forward"' not in html and 'id="action-finish"' not in html
    html = page(login(province.leader), dossier)
    assert 'id="action-reassign"' in html and 'id="action-finish"' not in html
    # A refused action is not even shown as a confirmation page.
    response = login(second).get(act_url(dossier, "forward"))
    assert response.status_code == 302 and reload(dossier).status == Status.PROCESSING


def test_starting_chooses_the_first_steps_official(login, province, make_dossier, second):
    dossier = make_dossier(Status.RECEIVED)
    client = login(province.officer)
    html = client.get(act_url(dossier, "start")).content.decode()
    assert 'name="assignee"' in html and "Lê Thị Hai (đang xử lý 0 hồ sơ)" in html
    assert "truongphong" not in html  # not a holder of the first step's role
    response = post(client, dossier, "start", assignee=str(province.division_head.pk))
    assert response.status_code == 400 and reload(dossier).status == Status.RECEIVED
    response = post(client, dossier, "start", assignee=str(second.pk), note="Giao chị Hai")
    assert response.status_code == 302
    assert reload(dossier).assignee == second
    assert "Giao cho: Lê Thị Hai" in page(client, dossier)


def test_taking_over_asks_why_then_hands_the_step_over(login, province, make_dossier,
                                                        second):
    dossier = make_dossier(Status.PROCESSING)
    client = login(second)
    response = post(client, dossier, "take_over", reason="")
    assert response.status_code == 400
    assert "Cần nêu rõ lý do." in response.content.decode()
    response = post(client, dossier, "take_over", reason="Chị Một nghỉ phép")
    assert response.status_code == 302
    assert f"Bạn đã nhận xử lý hồ sơ {dossier.code}." in messages_of(response)
    assert reload(dossier).assignee == second
    html = page(client, dossier)
    assert 'id="action-forward"' in html and "Chị Một nghỉ phép" in html


def test_the_head_gives_a_step_to_an_official(login, province, make_dossier, second):
    dossier = make_dossier(Status.PROCESSING)
    client = login(province.leader)
    html = client.get(act_url(dossier, "reassign")).content.decode()
    assert "Lê Thị Hai (đang xử lý 0 hồ sơ)" in html
    assert ">chuyenvien (" not in html  # the current assignee is left out
    response = post(client, dossier, "reassign", assignee=str(second.pk), reason="Cân đối")
    assert response.status_code == 302 and reload(dossier).assignee == second


def test_the_units_queue_lists_the_steps_nobody_holds(login, province, make_dossier):
    province.specialist.is_active = False
    province.specialist.save()
    waiting = make_dossier(Status.PROCESSING)  # no active specialist: nobody gets it
    assert reload(waiting).assignee is None
    html = login(province.leader).get(reverse("backoffice:index")).content.decode()
    assert 'id="count-unassigned" data-count="1"' in html
    html = login(province.leader).get(reverse("backoffice:dossiers"),
                                      {"bucket": "unassigned"}).content.decode()
    assert waiting.code in html and "Chưa giao xử lý" in html
    assert "Chưa giao — đang trong hàng đợi của đơn vị" in page(login(province.leader), waiting)
