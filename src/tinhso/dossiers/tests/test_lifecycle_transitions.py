"""Every action from every status: the TRANSITIONS table is what the services obey.

Allowed pairs move the dossier to the table's target and write one event; refused pairs raise
TransitionNotAllowed and change nothing (status, lock_version, events).
"""

import pytest
from django.core.files.base import ContentFile

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput, ResultInput
from tinhso.dossiers.models import Dossier, Payment, Status
from tinhso.dossiers.transitions import TRANSITIONS, Action, TransitionNotAllowed
from tinhso.signing.testing import make_pki, result_pdf, use_pki

from .conftest import LEADER, at


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


@pytest.fixture(autouse=True)
def signing_keys(settings, leader_pki):
    """The leader's key and the agency's seal, for signing a result."""
    use_pki(settings, leader_pki)

# Reassigning and taking over change who holds a step, not the status (test_assignment).
ACTIONS = [a for a in Action if a not in (Action.SUBMIT, Action.REASSIGN, Action.TAKE_OVER)]


def test_the_table_covers_every_action_but_submit_and_the_hand_overs():
    assert set(TRANSITIONS) == set(ACTIONS)


def call(p, dossier: Dossier, action: str):
    """Take `action` as someone the policy lets take it, with valid arguments."""
    when = at(2026, 2, 25, 9)
    d, A = dossier, Action
    if action == A.RECEIVE:
        return lifecycle.receive(p.officer, d, at=when)
    if action == A.REFUSE:
        return lifecycle.refuse(p.officer, d, reason="Sai thẩm quyền", at=when)
    if action == A.START:
        return lifecycle.start(p.officer, d, at=when)
    if action == A.FORWARD:
        return lifecycle.forward(p.specialist, d, at=when)
    if action == A.TRANSFER:
        return lifecycle.transfer(p.specialist, d, to_agency=p.other_agency, at=when)
    if action == A.TRANSFER_BACK:
        if d.status == Status.PROCESSING:  # only a transferred dossier can come back
            d = lifecycle.transfer(p.specialist, d, to_agency=p.other_agency, at=when)
            return lifecycle.transfer_back(p.other_specialist, d, at=when)
        return lifecycle.transfer_back(p.specialist, d, at=when)
    if action == A.REQUEST_SUPPLEMENT:
        return lifecycle.request_supplement(p.specialist, d, reasons="Thiếu ảnh", at=when)
    if action == A.SUPPLEMENT:
        photo = ComponentInput("Ảnh", p.photo.pk, file=ContentFile(b"x", name="anh.jpg"))
        return lifecycle.supplement(p.citizen, d, components=[photo], at=when)
    if action == A.REQUEST_PAYMENT:
        return lifecycle.request_payment(p.specialist, d, amount=10_000, at=when)
    if action == A.RECORD_PAYMENT:
        owed = max(d.fees_owed - d.fees_paid, 1_000)
        return lifecycle.record_payment(p.officer, d, amount=owed,
                                        method=Payment.Method.DESK, at=when)
    if action == A.FINISH:
        # The official holding the first step (a step's work is its assignee's).
        return lifecycle.finish(p.specialist, d, results=[ResultInput("Trích lục")], at=when)
    if action == A.RETURN_RESULT:
        return lifecycle.return_result(p.officer, d, at=when)
    if action == A.WITHDRAW:
        return lifecycle.withdraw(p.citizen, d, reason="Không cần nữa", at=when)
    if action == A.STOP:
        return lifecycle.stop(p.leader, d, reason="Chủ hồ sơ yêu cầu", at=when)
    if action == A.RATE:
        return lifecycle.rate(p.citizen, d, rating=5, at=when)
    if action == A.SIGN_RESULT:
        if d.status in TRANSITIONS[action][0]:  # a real PDF to sign (drive's is a stub)
            result = d.results.get()
            result.file.save("ket-qua.pdf", ContentFile(result_pdf()))
        return lifecycle.sign_result(p.leader, d, at=when)
    raise AssertionError(action)


@pytest.mark.parametrize("status", list(Status), ids=lambda s: s.name)
@pytest.mark.parametrize("action", ACTIONS, ids=str)
def test_action_from_status(province, make_dossier, action, status):
    d = make_dossier(status)
    assert d.status == status
    sources, target = TRANSITIONS[action]
    version, events = d.lock_version, d.events.count()
    if status in sources:
        after = call(province, d, action)
        expected = target if target is not None else status
        if action == Action.RECORD_PAYMENT and status == Status.PAYMENT_REQUESTED:
            expected = Status.PROCESSING  # paid in full: processing resumes
        steps = 2 if action == Action.TRANSFER_BACK else 1  # transfer, then back
        after.refresh_from_db()
        assert after.status == expected
        assert after.lock_version == version + steps
        assert after.events.count() == events + steps
        last = after.events.last()
        assert (last.action, last.from_status, last.to_status) == (action, status, expected)
    else:
        with pytest.raises(TransitionNotAllowed) as err:
            call(province, d, action)
        assert err.value.status == 409
        d.refresh_from_db()
        assert (d.status, d.lock_version, d.events.count()) == (status, version, events)
