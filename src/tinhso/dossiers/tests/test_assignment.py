"""Work assigned to a person: every open step has its official, chosen when the dossier
reaches it, handed over with a reason, taken over explicitly; "my work" is mine and the
unit's head sees the unit's queue and each official's load."""

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from rest_framework.test import APIClient

from tinhso.core.errors import DomainError, PermissionDenied, ValidationFailed
from tinhso.core.models import AuditEntry
from tinhso.core.roles import Role
from tinhso.dossiers import lifecycle, selectors
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.transitions import Action, TransitionNotAllowed
from tinhso.signing.testing import make_pki, result_pdf, use_pki

from .conftest import LEADER, at, make_user

URL = "/api/v1/dossiers/"
LATER = at(2026, 2, 23, 9)


@pytest.fixture
def second(province):
    """A second specialist of the home agency."""
    return make_user("chuyenvien2", agency=province.agency, roles=[Role.SPECIALIST],
                     full_name="Lê Thị Hai")


def test_start_gives_the_first_step_to_the_least_loaded_holder_of_its_role(
        province, make_dossier, second):
    p = province
    first = make_dossier(Status.PROCESSING)  # equal loads: the older account
    assert first.assignee_id == p.specialist.pk and first.assigned_at == at(2026, 2, 13, 11)
    event = first.events.get(action=Action.START)
    assert event.data == {"assignee_id": p.specialist.pk, "assignee_name": "chuyenvien"}
    assert make_dossier(Status.PROCESSING).assignee_id == second.pk  # the one with less
    assert make_dossier(Status.PROCESSING).assignee_id == p.specialist.pk
    audit = AuditEntry.objects.filter(action="dossier.start").last()
    assert audit.data["assignee_id"] == p.specialist.pk


def test_the_official_passing_it_on_may_choose_who_gets_the_step(province, make_dossier,
                                                                   second):
    p = province
    d = make_dossier(Status.RECEIVED)
    for wrong in (p.division_head, p.other_specialist, "nobody", second.pk + 1000):
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.start(p.officer, d, assignee=wrong)
        assert refused.value.code == "invalid_assignee"
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.lock_version == 1  # nothing happened
    d = lifecycle.start(p.officer, d, assignee="chuyenvien2")
    assert d.assignee_id == second.pk
    d = lifecycle.forward(second, d, assignee=p.division_head)
    assert d.assignee_id == p.division_head.pk


def test_only_the_assignee_works_on_the_step(province, make_dossier, second):
    p = province
    d = make_dossier(Status.PROCESSING)  # the specialist's
    for actor, call in ((second, lambda a: lifecycle.forward(a, d)),
                        (second, lambda a: lifecycle.request_supplement(a, d, reasons="x")),
                        (p.division_head, lambda a: lifecycle.finish(
                            a, d, results=[ResultInput("KQ")]))):
        with pytest.raises(PermissionDenied) as refused:
            call(actor)
        assert refused.value.code == "not_assignee"
        assert "forward" not in selectors.actions_for(actor, d)
    assert lifecycle.forward(p.specialist, d).assignee_id == p.division_head.pk


def test_nobody_eligible_leaves_the_step_in_the_units_queue(province, make_dossier, second):
    p = province
    p.specialist.is_active = second.is_active = False
    p.specialist.save(), second.save()
    d = make_dossier(Status.PROCESSING)
    assert d.assignee_id is None
    assert d.events.get(action=Action.START).data == {"assignee_id": None,
                                                      "assignee_name": ""}
    # The unit's head sees the queue; a holder of another role does not.
    assert {x.code for x in selectors.worklist(p.leader, "unassigned")} == {d.code}
    assert not selectors.worklist(p.division_head, "unassigned").exists()
    newcomer = make_user("chuyenvien3", agency=p.agency, roles=[Role.SPECIALIST])
    assert {x.code for x in selectors.worklist(newcomer, "unassigned")} == {d.code}
    # Nobody works on an unassigned step; a holder of its role takes it, no reason needed.
    with pytest.raises(PermissionDenied):
        lifecycle.forward(newcomer, d)
    assert "take_over" in selectors.actions_for(newcomer, d)
    assert "take_over" not in selectors.actions_for(p.division_head, d)
    d = lifecycle.take_over(newcomer, d, at=LATER)
    assert (d.assignee_id, d.assigned_at) == (newcomer.pk, LATER)
    assert not selectors.worklist(p.leader, "unassigned").exists()
    assert lifecycle.forward(newcomer, d).status == Status.PROCESSING


def test_taking_over_a_colleagues_step_needs_its_role_and_a_reason(province, make_dossier,
                                                                     second):
    p = province
    d = make_dossier(Status.PROCESSING)  # the specialist's
    with pytest.raises(PermissionDenied) as refused:
        lifecycle.take_over(p.division_head, d, reason="Giúp")
    assert refused.value.code == "wrong_role"
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.take_over(second, d, reason="  ")
    assert refused.value.code == "reason_required"
    with pytest.raises(TransitionNotAllowed):
        lifecycle.take_over(p.specialist, d, reason="Của tôi")
    version = Dossier.objects.get(pk=d.pk).lock_version
    d = lifecycle.take_over(second, d, reason="Chuyên viên Một nghỉ phép", at=LATER)
    assert d.assignee_id == second.pk and d.lock_version == version + 1
    event = d.events.last()
    assert (event.action, event.from_status, event.to_status) == ("take_over", 4, 4)
    assert event.note == "Chuyên viên Một nghỉ phép" and event.actor == second
    assert event.step_id == p.steps[0].pk
    assert event.data == {"previous_assignee_id": p.specialist.pk, "assignee_id": second.pk,
                          "assignee_name": "Lê Thị Hai"}
    audit = AuditEntry.objects.filter(action="dossier.take_over").get()
    assert audit.actor_id == second.pk and audit.target_id == str(d.pk)
    assert audit.data["previous_assignee_id"] == p.specialist.pk
    assert audit.data["assignee_id"] == second.pk
    # The former assignee no longer works on it.
    with pytest.raises(PermissionDenied):
        lifecycle.forward(p.specialist, d)


def test_reassigning_is_the_assignees_or_the_unit_heads(province, make_dossier, second):
    p = province
    d = make_dossier(Status.PROCESSING)  # the specialist's
    for actor in (second, p.division_head):
        assert "reassign" not in selectors.actions_for(actor, d)
        with pytest.raises(PermissionDenied):
            lifecycle.reassign(actor, d, assignee=second, reason="Giao lại")
    with pytest.raises(ValidationFailed) as refused:
        lifecycle.reassign(p.specialist, d, assignee=second, reason="")
    assert refused.value.code == "reason_required"
    for wrong in (p.specialist, p.division_head, p.other_specialist):
        with pytest.raises(ValidationFailed) as refused:
            lifecycle.reassign(p.specialist, d, assignee=wrong, reason="Giao lại")
        assert refused.value.code == "invalid_assignee"
    d = lifecycle.reassign(p.specialist, d, assignee=second, reason="Đúng chuyên môn")
    assert d.assignee_id == second.pk
    assert "reassign" in selectors.actions_for(p.leader, d)  # the unit's head
    d = lifecycle.reassign(p.leader, d, assignee=p.specialist, reason="Cân đối việc")
    assert d.assignee_id == p.specialist.pk
    assert list(d.events.filter(action="reassign").values_list("actor", "note")) == [
        (p.specialist.pk, "Đúng chuyên môn"), (p.leader.pk, "Cân đối việc")]
    assert AuditEntry.objects.filter(action="dossier.reassign").count() == 2


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.RECEIVED, Status.FINISHED,
                                    Status.RETURNED, Status.STOPPED])
def test_hand_overs_need_an_open_step(province, make_dossier, status, second):
    d = make_dossier(status)
    assert d.assignee_id is None
    with pytest.raises(TransitionNotAllowed):
        lifecycle.reassign(province.leader, d, assignee=second, reason="x")
    with pytest.raises(TransitionNotAllowed):
        lifecycle.take_over(second, d, reason="x")


def test_a_paused_step_keeps_its_assignee_and_finishing_releases_it(province, make_dossier):
    p = province
    d = make_dossier(Status.SUPPLEMENT_REQUESTED)
    assert d.assignee_id == p.specialist.pk
    assert {x.code for x in selectors.worklist(p.leader, "unassigned")} == set()
    assert make_dossier(Status.FINISHED).assignee_id is None
    assert make_dossier(Status.STOPPED).assignee_id is None


def test_a_transferred_step_goes_to_the_other_agency(province, make_dossier):
    """There the sender's process is not theirs: its default is a holder of the step's role,
    else the queue, where any of their processing officials takes it."""
    p = province
    d = make_dossier(Status.PROCESSING)
    d = lifecycle.forward(p.specialist, d)  # the division head's step
    d = lifecycle.transfer(p.division_head, d, to_agency=p.other_agency)
    assert d.assignee_id is None  # no division head there
    assert {x.code for x in selectors.worklist(p.other_specialist, "unassigned")} == {d.code}
    d = lifecycle.take_over(p.other_specialist, d)
    d = lifecycle.transfer_back(p.other_specialist, d)
    assert d.assignee_id == p.division_head.pk  # home again: the step's own role


def test_my_work_is_mine_and_the_head_sees_each_officials_load(province, make_dossier,
                                                              second):
    p = province
    a, b, c = (make_dossier(Status.PROCESSING) for _ in range(3))  # specialist, second, ...
    assert (a.assignee_id, b.assignee_id, c.assignee_id) == (p.specialist.pk, second.pk,
                                                             p.specialist.pk)
    mine = {x.code for x in selectors.worklist(p.specialist, "processing")}
    assert mine == {a.code, c.code}
    assert {x.code for x in selectors.worklist(second, "processing")} == {b.code}
    assert not selectors.worklist(p.leader, "processing").exists()
    now = at(2026, 3, 2)  # all three past their due date
    assert {x.code for x in selectors.worklist(second, "overdue", now=now)} == {b.code}
    load = {u.username: (u.open_load, u.overdue_load)
            for u in selectors.unit_load(p.leader, now=now)}
    assert load == {"motcua": (0, 0), "chuyenvien": (2, 2), "chuyenvien2": (1, 1),
                    "truongphong": (0, 0), "giamdoc": (0, 0)}
    assert selectors.unit_load(p.specialist) == []  # a head's view only
    assert selectors.unit_load(p.supervisor) == []


@pytest.mark.parametrize(("bucket", "index"), [("overdue", "dossier_assignee_idx"),
                                               ("processing", "dossier_assignee_idx"),
                                               ("unassigned", "dossier_unassigned_idx")])
def test_the_worklists_can_read_their_partial_indexes(province, make_dossier, bucket, index):
    """The queries imply the indexes' conditions (assignee set, or not and a step open), so
    the database may read them; on PostgreSQL a table this small is scanned unless told not
    to."""
    from django.db import connection

    make_dossier(Status.PROCESSING)
    official = province.leader if bucket == "unassigned" else province.specialist
    qs = selectors.worklist(official, bucket, now=at(2026, 3, 2))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert index in plan, plan


def test_the_api_starts_with_a_chosen_official_and_hands_over(province, make_dossier, second):
    p = province
    d = make_dossier(Status.RECEIVED)

    def client(user):
        c = APIClient()
        c.force_authenticate(user)
        return c

    response = client(p.officer).post(f"{URL}{d.code}/start/",
                                      {"assignee": "chuyenvien2"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assignee"] == {"username": "chuyenvien2", "name": "Lê Thị Hai"}
    assert body["assigned_at"]
    response = client(p.officer).post(f"{URL}{d.code}/start/", {"assignee": "nobody"},
                                      format="json")
    assert response.status_code in (400, 409)
    body = client(p.specialist).get(f"{URL}{d.code}/").json()
    assert "take_over" in body["allowed_actions"] and "forward" not in body["allowed_actions"]
    response = client(p.specialist).post(f"{URL}{d.code}/take-over/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    response = client(p.specialist).post(f"{URL}{d.code}/take-over/",
                                         {"reason": "Hỗ trợ"}, format="json")
    assert response.status_code == 200 and response.json()["assignee"]["username"] == (
        "chuyenvien")
    response = client(second).post(f"{URL}{d.code}/reassign/",
                                   {"assignee": "chuyenvien2", "reason": "x"}, format="json")
    assert response.status_code == 403
    response = client(p.leader).post(f"{URL}{d.code}/reassign/",
                                     {"assignee": "chuyenvien2", "reason": "Cân đối"},
                                     format="json")
    assert response.status_code == 200, response.content
    assert response.json()["events"][-1]["action_label"] == "Giao xử lý"
    worklist = client(second).get(f"{URL}worklist/", {"bucket": "processing"}).json()
    assert [r["code"] for r in worklist["results"]] == [d.code]


def test_a_queue_that_is_not_theirs_is_an_empty_page(province, make_dossier):
    """The desk's queue for a specialist, any queue for an applicant: 200 and no rows (a
    queryset known empty has no SQL to page through)."""
    make_dossier()
    for user in (province.specialist, province.citizen):
        client = APIClient()
        client.force_authenticate(user)
        response = client.get(f"{URL}worklist/", {"bucket": "to_receive"})
        assert response.status_code == 200, response.content
        assert response.json()["count"] == 0 and response.json()["results"] == []
        assert client.get(f"{URL}worklist/", {"bucket": "to_receive", "page": 2}
                          ).status_code == 404


# --- One guard: what is offered is exactly what the service does.


def _call(p, actor, d: Dossier, action: str, target):
    """Take `action` as `actor` with valid arguments."""
    from django.core.files.base import ContentFile

    from tinhso.dossiers.inputs import ComponentInput

    A = Action
    when = at(2026, 2, 25, 9)
    kwargs = {
        A.RECEIVE: {}, A.START: {}, A.FORWARD: {}, A.TRANSFER_BACK: {}, A.RETURN_RESULT: {},
        A.REFUSE: {"reason": "x"}, A.WITHDRAW: {"reason": "x"}, A.STOP: {"reason": "x"},
        A.TRANSFER: {"to_agency": p.commune if d.current_agency_id != p.agency.pk
                     else p.other_agency},
        A.REQUEST_SUPPLEMENT: {"reasons": "x"}, A.REQUEST_PAYMENT: {"amount": 1_000},
        A.RECORD_PAYMENT: {"amount": max(d.fees_owed - d.fees_paid, 1_000), "method": 3},
        A.FINISH: {"results": [ResultInput("KQ")]}, A.RATE: {"rating": 5},
        A.SUPPLEMENT: {"components": [ComponentInput("Ảnh", p.photo.pk, file=ContentFile(
            b"x", name="anh.jpg"))]},
        A.TAKE_OVER: {"reason": "x"},
        A.REASSIGN: {"reason": "x", "assignee": target},
        A.SIGN_RESULT: {},
    }[action]
    return getattr(lifecycle, str(action))(actor, d.pk, at=when, **kwargs)


class _Undo(Exception):
    pass


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


def test_every_offered_action_is_done_and_every_other_refused(province, make_dossier, settings,
                                                              leader_pki):
    """Each official and the applicant, on dossiers in every state, try every action: the
    ones actions_for offers (the API's allowed_actions, the pages' buttons) go through, the
    others are refused. Each attempt is rolled back."""
    p = province
    use_pki(settings, leader_pki)  # the leader signs the finished dossiers' results
    processing = make_dossier(Status.PROCESSING)
    last = lifecycle.forward(p.division_head, lifecycle.forward(p.specialist, make_dossier(
        Status.PROCESSING)))
    moved = lifecycle.transfer(p.specialist, make_dossier(Status.PROCESSING),
                               to_agency=p.other_agency)
    dossiers = [make_dossier(Status.SUBMITTED), make_dossier(Status.RECEIVED), processing,
                last, moved, make_dossier(Status.SUPPLEMENT_REQUESTED),
                make_dossier(Status.PAYMENT_REQUESTED), make_dossier(Status.FINISHED),
                make_dossier(Status.RETURNED)]
    for d in dossiers[-2:]:  # results to sign: real PDFs (make_dossier's are stubs)
        result = d.results.get()
        result.file.save("ket-qua.pdf", ContentFile(result_pdf()))
    # Someone to hand a specialist's step over to, at both agencies (made last: no step went
    # to them); a step nobody else may hold is not handed over (reassign has no target).
    second = make_user("chuyenvien2", agency=p.agency, roles=[Role.SPECIALIST])
    make_user("chuyenvien2_xd", agency=p.other_agency, roles=[Role.SPECIALIST])
    actors = [p.officer, p.specialist, second, p.division_head, p.leader, p.other_specialist,
              p.supervisor, p.citizen]
    candidates = [a for a in Action if a != Action.SUBMIT]
    checked = 0
    for d in dossiers:
        for actor in actors:
            fresh = Dossier.objects.select_related("current_step", "assignee").get(pk=d.pk)
            if not selectors.dossiers_for(actor).filter(pk=d.pk).exists():
                continue
            offered = set(selectors.actions_for(actor, fresh))
            target = selectors.assignee_choices(actor, fresh, Action.REASSIGN).first()
            for action in candidates:
                if action == Action.REASSIGN and target is None:
                    continue
                try:
                    with transaction.atomic():
                        _call(p, actor, fresh, action, target)
                        raise _Undo
                except _Undo:
                    done = True
                except (PermissionDenied, TransitionNotAllowed, ValidationFailed) as refused:
                    done = False
                    if action in offered:  # offered, then refused: say which and why
                        raise AssertionError((d.code, actor.username, action,
                                              refused.code)) from refused
                except DomainError as refused:  # of the dossier's state (no process, ...)
                    done = False
                    assert action not in offered, (d.code, actor.username, action, refused)
                assert done == (action in offered), (d.code, fresh.status, actor.username,
                                                     action)
                checked += 1
    assert checked > 500
