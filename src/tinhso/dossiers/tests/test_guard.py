"""One guard answers "may this actor take this action now": the API's allowed_actions, the
back office's buttons and the lifecycle services agree, action by action."""

import pytest
from rest_framework.test import APIClient

from tinhso.core.errors import DomainError, PermissionDenied
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Status

URL = "/api/v1/dossiers/"


def offered(user, dossier) -> list[str]:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"{URL}{dossier.code}/")
    assert response.status_code == 200, response.content
    return response.json()["allowed_actions"]


def test_the_api_does_not_offer_transfer_back_at_the_receiving_agency(province,
                                                                        make_dossier):
    p = province
    dossier = make_dossier(Status.PROCESSING)  # at its own agency, step 1 (the specialist's)
    assert "transfer_back" not in offered(p.specialist, dossier)
    with pytest.raises(DomainError):
        lifecycle.transfer_back(p.specialist, dossier)
    moved = lifecycle.transfer(p.specialist, dossier, to_agency=p.other_agency)
    assert "transfer_back" in offered(p.other_specialist, moved)


def test_the_api_does_not_offer_forward_at_the_last_step(province, make_dossier):
    p = province
    dossier = make_dossier(Status.PROCESSING)
    dossier = lifecycle.forward(p.specialist, dossier)
    dossier = lifecycle.forward(p.division_head, dossier)
    assert dossier.current_step_id == p.steps[-1].pk
    actions = offered(p.leader, dossier)
    assert "forward" not in actions and "finish" in actions
    with pytest.raises(DomainError, match="bước cuối"):
        lifecycle.forward(p.leader, dossier)


def test_a_specialist_cannot_finish_at_the_leaders_step(province, make_dossier):
    p = province
    dossier = make_dossier(Status.PROCESSING)
    dossier = lifecycle.forward(p.specialist, dossier)
    dossier = lifecycle.forward(p.division_head, dossier)  # the leader's step now
    assert "finish" not in offered(p.specialist, dossier)
    with pytest.raises(PermissionDenied):
        lifecycle.finish(p.specialist, dossier, results=[ResultInput("Trích lục")])
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
