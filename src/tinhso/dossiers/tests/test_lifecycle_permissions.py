"""Who may act: the desk and processing roles of the right agency, applicants on their own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhso.core.errors import NotFound, PermissionDenied
from tinhso.core.roles import Role
from tinhso.dossiers import lifecycle, policy
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Channel, Status
from tinhso.dossiers.transitions import Action

from .conftest import citizen_applicant, full_components, make_user, submit_online


def unchanged(d, status, version):
    d.refresh_from_db()
    return d.status == status and d.lock_version == version


def test_official_of_another_agency_gets_not_found(make_dossier, province):
    p = province
    d = make_dossier()
    for actor in (p.other_officer, p.other_specialist):
        with pytest.raises(NotFound) as err:
            lifecycle.receive(actor, d)
        assert err.value.status == 404
    d = make_dossier(Status.PROCESSING)
    with pytest.raises(NotFound):
        lifecycle.finish(p.other_specialist, d, results=[ResultInput("KQ")])
    assert unchanged(d, Status.PROCESSING, 2)


def test_citizen_cannot_receive_even_their_own_dossier(make_dossier, province):
    d = make_dossier()
    with pytest.raises(PermissionDenied) as err:
        lifecycle.receive(province.citizen, d)
    assert err.value.status == 403
    assert unchanged(d, Status.SUBMITTED, 0)


def test_applicant_cannot_act_on_another_applicants_dossier(make_dossier, province):
    d = make_dossier()
    with pytest.raises(NotFound):
        lifecycle.withdraw(province.other_citizen, d, reason="?")
    returned = make_dossier(Status.RETURNED)
    with pytest.raises(NotFound):
        lifecycle.rate(province.other_citizen, returned, rating=1)
    assert unchanged(d, Status.SUBMITTED, 0)


def test_anonymous_gets_not_found(make_dossier):
    with pytest.raises(NotFound):
        lifecycle.withdraw(AnonymousUser(), make_dossier(), reason="?")


def test_province_supervisor_sees_but_does_not_process(make_dossier, province):
    d = make_dossier()
    assert policy.can_see(province.supervisor, d)
    with pytest.raises(PermissionDenied):
        lifecycle.receive(province.supervisor, d)


@pytest.mark.parametrize(("role", "allowed"), [
    (Role.ONE_STOP_OFFICER, True), (Role.SPECIALIST, False), (Role.AGENCY_LEADER, False)])
def test_receiving_is_the_desks_job(make_dossier, province, role, allowed):
    d = make_dossier()
    actor = province.staff_for(role)
    if allowed:
        assert lifecycle.receive(actor, d).status == Status.RECEIVED
    else:
        with pytest.raises(PermissionDenied):
            lifecycle.receive(actor, d)


def test_only_leaders_stop_and_only_the_applicant_rates(make_dossier, province):
    p = province
    with pytest.raises(PermissionDenied):
        lifecycle.stop(p.specialist, make_dossier(Status.PROCESSING), reason="x")
    returned = make_dossier(Status.RETURNED)
    with pytest.raises(PermissionDenied):
        lifecycle.rate(p.officer, returned, rating=5)
    assert lifecycle.rate(p.citizen, returned, rating=5).rating == 5


def test_processing_follows_the_current_agency_the_desk_stays_with_the_receiver(
        make_dossier, province):
    p = province
    d = lifecycle.transfer(p.specialist, make_dossier(Status.PROCESSING),
                           to_agency=p.other_agency)
    # The receiving agency still sees it but the other agency processes it now.
    with pytest.raises(PermissionDenied):
        lifecycle.request_supplement(p.specialist, d, reasons="x")
    d = lifecycle.request_payment(p.other_specialist, d, amount=5_000)
    # Fees are paid at the receiving agency's desk, not the other agency's.
    with pytest.raises(PermissionDenied):
        lifecycle.record_payment(p.other_officer, d, amount=75_000, method=3)
    d = lifecycle.record_payment(p.officer, d, amount=75_000, method=3)
    assert d.status == Status.PROCESSING
    d = lifecycle.finish(p.other_specialist, d, results=[ResultInput("KQ")])
    assert d.current_agency_id == p.agency.pk
    # Finished and back home: the other agency no longer sees it.
    with pytest.raises(NotFound):
        lifecycle.return_result(p.other_officer, d)
    assert lifecycle.return_result(p.officer, d).status == Status.RETURNED


def test_staff_without_an_agency_cannot_act(make_dossier, province):
    floating = make_user("noagency", roles=[Role.ONE_STOP_OFFICER])
    with pytest.raises(NotFound):
        lifecycle.receive(floating, make_dossier())


def test_who_may_submit_through_which_channel(province):
    p = province
    args = {"procedure": p.procedure, "applicant": citizen_applicant(),
            "components": full_components(p)}
    with pytest.raises(PermissionDenied):  # citizens file online
        lifecycle.submit(p.citizen, agency=p.agency, channel=Channel.DESK, **args)
    with pytest.raises(PermissionDenied):  # officers do not file online for people
        lifecycle.submit(p.officer, agency=p.agency, channel=Channel.ONLINE, **args)
    with pytest.raises(PermissionDenied):  # nor for another agency's desk
        lifecycle.submit(p.other_officer, agency=p.agency, channel=Channel.POSTAL, **args)
    with pytest.raises(PermissionDenied):
        lifecycle.intake(p.specialist, agency=p.agency, **args)
    postal = lifecycle.submit(p.officer, agency=p.agency, channel=Channel.POSTAL, **args)
    assert postal.status == Status.SUBMITTED and postal.channel == Channel.POSTAL


def test_policy_table_names_every_action():
    assert set(policy.STAFF_ROLES) == set(Action)
    applicant = {Action.SUBMIT, Action.SUPPLEMENT, Action.WITHDRAW, Action.RATE}
    assert set(policy.APPLICANT_ACTIONS) == applicant


def test_applicant_withdraws_and_supplements_own_dossier(make_dossier, province):
    d = lifecycle.withdraw(province.citizen, make_dossier(Status.PROCESSING),
                           reason="Nộp nhầm")
    assert d.status == Status.WITHDRAWN and d.events.last().actor == province.citizen
    other = submit_online(province, user=province.other_citizen)
    assert other.applicant_user_id == province.other_citizen.pk
