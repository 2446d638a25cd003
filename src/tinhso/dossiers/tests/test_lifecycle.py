"""The lifecycle services end to end: submission checks, intake, events, side rows, signals."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from tinhso.catalog.models import OnlineLevel
from tinhso.catalog.services import SYSTEM
from tinhso.core.errors import Conflict, NotFound, ValidationFailed
from tinhso.dossiers import lifecycle, signals
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput, ResultInput
from tinhso.dossiers.models import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierEvent,
    Payment,
    Result,
    Status,
    SupplementRequest,
)
from tinhso.dossiers.transitions import Action, TransitionNotAllowed

from .conftest import (
    CITIZEN_ID,
    RECEIVED_AT,
    SUBMITTED_AT,
    at,
    citizen_applicant,
    full_components,
    make_procedure,
    submit_online,
)


def test_submit_online_records_facts_code_fees_papers_and_one_event(province):
    p = province
    d = submit_online(p, vneid_verified=True)
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.lock_version == 0
    assert d.code == "H44.07-260213-0001"
    assert d.procedure_version_id == p.version.pk and d.procedure_id == p.procedure.pk
    assert d.agency_id == d.current_agency_id == p.agency.pk
    assert d.applicant_user_id == p.citizen.pk and d.applicant_id_number == CITIZEN_ID
    assert d.channel == Channel.ONLINE and d.submitted_at == SUBMITTED_AT
    assert d.fees_owed == 70_000 and d.fees_paid == 0
    # The population database's use comes from a look-up only (test_population.py).
    assert d.vneid_verified and not d.used_population_db
    assert d.has_digitized_components and not d.reused_papers
    papers = {c.component_id: c for c in d.components.all()}
    assert papers[p.form.pk].is_digitized and papers[p.form.pk].file.name.endswith(".pdf")
    assert papers[p.id_copy.pk].file.name.endswith(".pdf")
    # A paper from the applicant's e-data store: reused, so digitised too.
    again = submit_online(p, components=[
        ComponentInput("Tờ khai", p.form.pk, file=ContentFile(b"x", name="t.pdf")),
        ComponentInput("Căn cước", p.id_copy.pk, reused_from=f"GT-{papers[p.id_copy.pk].pk}")])
    assert again.reused_papers and again.has_digitized_components
    assert again.components.get(component=p.id_copy).reused_from == (
        f"GT-{papers[p.id_copy.pk].pk}")
    [event] = d.events.all()
    assert (event.action, event.from_status, event.to_status) == ("submit", None, 1)
    assert event.actor == p.citizen and event.actor_name == "Trần Văn Dân"
    assert event.at == SUBMITTED_AT and event.agency_id == p.agency.pk


def test_papers_without_digitisation_or_reuse_leave_the_flags_off(province):
    p = province
    files = [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(b"x", name="a.pdf")),
             ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(b"y", name="b.pdf"))]
    d = submit_online(p, components=files)
    assert not d.has_digitized_components and not d.reused_papers


def test_organisation_applicant_with_branch_tax_code(province):
    org = ApplicantInput(ApplicantKind.ORGANISATION, "Chi nhánh Viettel Phú Thọ",
                         "0100109106-001")
    d = submit_online(province, applicant=org)
    assert d.applicant_kind == ApplicantKind.ORGANISATION
    assert d.applicant_id_number == "0100109106-001"


@pytest.mark.parametrize(("applicant", "code"), [
    (ApplicantInput(ApplicantKind.CITIZEN, "A", "025095001"), "invalid_personal_id"),
    (ApplicantInput(ApplicantKind.CITIZEN, "A", "099095001234"), "invalid_personal_id"),
    (ApplicantInput(ApplicantKind.ORGANISATION, "B", "0100109107"), "invalid_tax_code"),
    (ApplicantInput(ApplicantKind.CITIZEN, "  ", CITIZEN_ID), "invalid_applicant"),
    (ApplicantInput("robot", "C", CITIZEN_ID), "invalid_applicant"),
])
def test_submit_refuses_a_bad_applicant_and_writes_nothing(province, applicant, code):
    with pytest.raises(ValidationFailed) as err:
        submit_online(province, applicant=applicant)
    assert err.value.code == code
    assert not Dossier.objects.exists() and not DossierEvent.objects.exists()


def test_missing_required_component_is_refused_with_its_name(province):
    p = province
    only_form = [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(b"x", name="a.pdf"))]
    with pytest.raises(ValidationFailed) as err:
        submit_online(p, components=only_form)
    assert err.value.code == "missing_components"
    assert err.value.details == ["Bản sao căn cước"]


def test_online_paper_needs_a_file_or_a_reuse_but_the_desk_has_it_in_hand(province):
    p = province
    bare = [ComponentInput("Tờ khai", p.form.pk), ComponentInput("Căn cước", p.id_copy.pk)]
    with pytest.raises(ValidationFailed):
        submit_online(p, components=bare)
    d = lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                         applicant=citizen_applicant(), components=bare, at=RECEIVED_AT)
    assert d.components.count() == 2


def test_component_of_another_procedure_is_refused(province):
    p = province
    other = make_procedure([p.agency], code="2.000815")
    foreign = other.current_version.components.first()
    items = [*full_components(p), ComponentInput("Lạ", foreign.pk, reused_from="X")]
    with pytest.raises(ValidationFailed) as err:
        submit_online(p, components=items)
    assert err.value.code == "unknown_component"


def test_agency_must_implement_the_procedure(province):
    with pytest.raises(ValidationFailed) as err:
        submit_online(province, agency=province.other_agency)
    assert err.value.code == "agency_not_implementing"


def test_online_channel_needs_an_online_procedure(province):
    p = province
    desk_only = make_procedure([p.agency], code="2.000815", online_level=OnlineLevel.NONE)
    with pytest.raises(ValidationFailed) as err:
        submit_online(p, procedure=desk_only, components=[])
    assert err.value.code == "online_not_allowed"


def test_full_online_needs_a_full_online_procedure(province):
    p = province
    partial = make_procedure([p.agency], code="2.000815", online_level=OnlineLevel.PARTIAL)
    submit_online(p, procedure=partial, components=[
        ComponentInput("Tờ khai", c.pk, file=ContentFile(b"x", name="k.pdf")) for c in
        partial.current_version.components.filter(is_required=True)])
    with pytest.raises(ValidationFailed) as err:
        submit_online(p, procedure=partial, is_full_online=True, components=[])
    assert err.value.code == "full_online_not_allowed"
    d = submit_online(p, is_full_online=True)
    assert d.is_full_online


def test_procedure_without_a_published_version_is_refused(province):
    p = province
    p.procedure.current_version = None
    p.procedure.save(update_fields=["current_version"])
    with pytest.raises(ValidationFailed) as err:
        submit_online(p)
    assert err.value.code == "procedure_not_published"


def test_intake_is_submit_and_receive_at_the_desk(province):
    p = province
    d = lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                         applicant=citizen_applicant(), components=full_components(p),
                         at=RECEIVED_AT)
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.channel == Channel.DESK
    assert d.received_at == RECEIVED_AT and d.due_at == at(2026, 2, 27, 10)
    assert d.lock_version == 1
    # The citizen has an account under this personal id: the dossier shows in their portal.
    assert d.applicant_user_id == p.citizen.pk
    assert list(d.events.values_list("action", "from_status", "to_status", "actor")) == [
        ("submit", None, 1, p.officer.pk), ("receive", 1, 2, p.officer.pk)]


def test_intake_sent_twice_with_the_same_key_makes_one_dossier(province):
    p = province

    def send():
        return lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                                applicant=citizen_applicant(), components=full_components(p),
                                idempotency_key="desk-token-1", at=RECEIVED_AT)

    first, again = send(), send()
    assert again.pk == first.pk and again.status == Status.RECEIVED
    assert Dossier.objects.count() == 1
    assert first.events.count() == 2  # submit and receive, not repeated


def test_intake_failure_leaves_no_dossier_and_no_code_used(province):
    p = province
    with pytest.raises(ValidationFailed):
        lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                         applicant=citizen_applicant("12"), at=RECEIVED_AT)
    d = submit_online(p)
    assert d.code.endswith("-0001")


def test_each_action_writes_one_event_with_actor_step_note_and_lock_version(make_dossier,
                                                                              province):
    p = province
    d = make_dossier(Status.RECEIVED)
    d = lifecycle.start(p.officer, d, note="Chuyển phòng Hộ tịch", at=at(2026, 2, 13, 11))
    event = d.events.last()
    assert (event.action, event.from_status, event.to_status) == ("start", 2, 4)
    assert event.actor == p.officer and event.step_id == p.steps[0].pk
    assert event.note == "Chuyển phòng Hộ tịch" and d.lock_version == 2
    d = lifecycle.forward(p.specialist, d, at=at(2026, 2, 23, 9))
    assert d.current_step_id == p.steps[1].pk and d.events.last().step_id == p.steps[1].pk
    d = lifecycle.finish(p.division_head, d, results=[ResultInput("Trích lục")],
                         at=at(2026, 2, 23, 10))
    event = d.events.last()
    assert event.step_id == p.steps[1].pk  # the step it was finished at
    assert event.data == {"results": 1} and d.current_step_id is None
    assert d.events.count() == 5 and d.lock_version == 4


def test_forward_past_the_last_step_is_refused(make_dossier, province):
    p = province
    d = make_dossier(Status.PROCESSING)
    d = lifecycle.forward(p.specialist, d)
    d = lifecycle.forward(p.division_head, d)
    assert d.current_step_id == p.steps[2].pk
    with pytest.raises(Exception, match="bước cuối"):
        lifecycle.forward(p.leader, d)


def test_refuse_withdraw_stop_need_a_reason_kept_as_the_note(make_dossier, province):
    d = make_dossier()
    with pytest.raises(ValidationFailed):
        lifecycle.refuse(province.officer, d, reason="  ")
    d = lifecycle.refuse(province.officer, d, reason="Không thuộc thẩm quyền")
    assert d.status == Status.REFUSED and d.closed_at is not None
    assert d.events.last().note == "Không thuộc thẩm quyền"


def test_supplement_request_opens_and_supplement_resolves_it(make_dossier, province):
    p = province
    d = make_dossier(Status.PROCESSING)
    d = lifecycle.request_supplement(p.specialist, d, reasons="Thiếu ảnh chân dung",
                                     at=at(2026, 2, 23, 14))
    [req] = SupplementRequest.objects.filter(dossier=d)
    assert req.resolved_at is None and req.reasons == "Thiếu ảnh chân dung"
    photo = ComponentInput("", p.photo.pk, file=ContentFile(b"jpg", name="anh.jpg"))
    d = lifecycle.supplement(p.citizen, d, components=[photo], at=at(2026, 2, 23, 16))
    req.refresh_from_db()
    assert req.resolved_at == at(2026, 2, 23, 16) and req.paused_seconds == 2 * 3600
    added = d.components.get(is_supplement=True)
    assert added.name == "Ảnh chân dung" and added.component_id == p.photo.pk
    assert d.status == Status.PROCESSING and d.events.last().data == {"paused_seconds": 7200}


def test_supplement_needs_papers(make_dossier, province):
    d = make_dossier(Status.SUPPLEMENT_REQUESTED)
    with pytest.raises(ValidationFailed):
        lifecycle.supplement(province.citizen, d, components=[])


def test_finish_stores_results(make_dossier, province):
    d = make_dossier(Status.PROCESSING)
    scan = ContentFile(b"%PDF", name="kq.pdf")
    d = lifecycle.finish(province.specialist, d, results=[
        ResultInput("Trích lục", "12/TL-STP", is_electronic=True, file=scan),
        ResultInput("Bản giấy")])
    # An unsigned file is a result, not yet an electronic one (service index 5.1): a
    # leader signs it first (test_result_signing).
    assert d.status == Status.FINISHED and not d.has_electronic_result
    assert set(Result.objects.filter(dossier=d).values_list("name", "number")) == {
        ("Trích lục", "12/TL-STP"), ("Bản giấy", "")}
    with pytest.raises(ValidationFailed):
        lifecycle.finish(province.specialist, make_dossier(Status.PROCESSING), results=[])


def test_paper_result_only_leaves_the_electronic_fact_off(make_dossier, province):
    d = lifecycle.finish(province.specialist, make_dossier(Status.PROCESSING),
                         results=[ResultInput("Giấy phép")])
    assert not d.has_electronic_result


def test_payment_request_and_record_return_to_processing(make_dossier, province):
    p = province
    d = make_dossier(Status.PAYMENT_REQUESTED)
    assert d.fees_owed == 100_000
    with pytest.raises(Exception, match="chưa đủ"):
        lifecycle.record_payment(p.officer, d, amount=50_000, method=Payment.Method.DESK)
    assert not Payment.objects.exists()
    d = lifecycle.record_payment(p.officer, d, amount=100_000, reference="VNPAY-1",
                                 method=Payment.Method.PROVINCE_GATEWAY)
    assert d.status == Status.PROCESSING and d.fees_paid == 100_000 and d.paid_online
    [pay] = d.payments.all()
    assert (pay.amount, pay.method, pay.reference) == (100_000, 2, "VNPAY-1")
    assert d.events.last().data == {"amount": 100_000, "online": True, "method": 2,
                                    "reference": "VNPAY-1"}


def test_replayed_payment_reference_is_refused(make_dossier, province):
    p = province
    d = make_dossier(Status.RECEIVED)
    d = lifecycle.record_payment(p.officer, d, amount=70_000, reference="PAYGOV-42",
                                 method=Payment.Method.NATIONAL_PORTAL)
    other = make_dossier(Status.RECEIVED)
    for target in (d, other):
        with pytest.raises(Conflict) as err:
            lifecycle.record_payment(p.officer, target, amount=70_000, reference="PAYGOV-42",
                                     method=Payment.Method.NATIONAL_PORTAL)
        assert err.value.code == "payment_replayed"
    assert Payment.objects.count() == 1
    other.refresh_from_db()
    assert other.fees_paid == 0 and other.lock_version == 1
    # Desk receipts without a reference do not collide.
    lifecycle.record_payment(p.officer, other, amount=1, method=Payment.Method.DESK)
    lifecycle.record_payment(p.officer, other, amount=1, method=Payment.Method.DESK)
    assert Payment.objects.count() == 3


def test_transfer_and_back_move_the_current_agency(make_dossier, province):
    p = province
    d = make_dossier(Status.PROCESSING)
    with pytest.raises(Exception, match="trả về"):
        lifecycle.transfer_back(p.specialist, d)
    d = lifecycle.transfer(p.specialist, d, to_agency=p.other_agency, note="Liên thông")
    assert d.current_agency_id == p.other_agency.pk
    # The step goes to the other agency's holder of its role (its only specialist).
    assert d.events.last().data == {"to_agency_id": p.other_agency.pk,
                                    "assignee_id": p.other_specialist.pk,
                                    "assignee_name": "chuyenvien_xd"}
    assert d.assignee_id == p.other_specialist.pk
    assert d.events.last().agency_id == p.agency.pk
    d = lifecycle.transfer_back(p.other_specialist, d)
    assert d.current_agency_id == p.agency.pk
    assert d.events.last().agency_id == p.other_agency.pk
    with pytest.raises(ValidationFailed):
        lifecycle.transfer(p.specialist, d, to_agency=999_999)


def test_rate_once_between_1_and_5(make_dossier, province):
    d = make_dossier(Status.RETURNED)
    with pytest.raises(Exception, match="từ 1 đến 5"):
        lifecycle.rate(province.citizen, d, rating=6)
    d = lifecycle.rate(province.citizen, d, rating=4)
    assert d.rating == 4 and d.rated_at is not None and d.status == Status.RETURNED
    with pytest.raises(TransitionNotAllowed):
        lifecycle.rate(province.citizen, d, rating=5)


def test_expected_version_mismatch_is_a_conflict_and_changes_nothing(make_dossier, province):
    d = make_dossier()
    with pytest.raises(Conflict) as err:
        lifecycle.receive(province.officer, d, expected_version=3)
    assert err.value.status == 409
    d.refresh_from_db()
    assert d.status == Status.SUBMITTED and d.lock_version == 0 and d.events.count() == 1
    d = lifecycle.receive(province.officer, d.pk, expected_version=0)
    assert d.status == Status.RECEIVED and d.lock_version == 1


def test_stale_instance_is_reread_under_the_lock(make_dossier, province):
    stale = make_dossier()
    lifecycle.receive(province.officer, stale.pk)
    assert stale.status == Status.SUBMITTED  # the caller's copy is untouched
    d = lifecycle.start(province.officer, stale)  # re-read: RECEIVED, so start is allowed
    assert d.status == Status.PROCESSING


def test_an_action_cannot_predate_the_submission(make_dossier, province):
    d = make_dossier()
    with pytest.raises(ValidationFailed) as err:
        lifecycle.receive(province.officer, d, at=SUBMITTED_AT - timedelta(minutes=1))
    assert err.value.code == "invalid_time"


def test_unknown_dossier_is_not_found(province):
    with pytest.raises(NotFound):
        lifecycle.receive(province.officer, 123456)


def test_signal_sent_once_after_commit(make_dossier, province,
                                       django_capture_on_commit_callbacks):
    d = make_dossier()
    seen = []

    def listen(sender, **kwargs):
        seen.append(kwargs)

    signals.dossier_changed.connect(listen, dispatch_uid="test_listen")
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            lifecycle.receive(province.officer, d, at=RECEIVED_AT)
        assert seen == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        signals.dossier_changed.disconnect(dispatch_uid="test_listen")
    [sent] = [s for s in seen if s["action"] == Action.RECEIVE]
    assert sent["dossier_id"] == d.pk and sent["at"] == RECEIVED_AT
    assert (sent["from_status"], sent["to_status"]) == (1, 2)


def test_system_actor_acts_without_a_user_row(make_dossier):
    d = lifecycle.receive(SYSTEM, make_dossier())
    event = d.events.last()
    assert event.actor is None and event.actor_name == "system"


def test_same_idempotency_key_twice_returns_the_first_dossier(province):
    first = submit_online(province, idempotency_key="req-1")
    again = submit_online(province, idempotency_key="req-1", at_=at(2026, 2, 13, 9, 5))
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    assert submit_online(province).code.endswith("-0002")  # no number was spent


def test_idempotency_key_of_another_applicant_is_a_conflict(province):
    submit_online(province, idempotency_key="req-1")
    with pytest.raises(Conflict) as err:
        submit_online(province, user=province.other_citizen, idempotency_key="req-1")
    assert err.value.code == "idempotency_conflict"
    assert Dossier.objects.count() == 1


def test_idempotency_key_with_different_content_is_a_conflict(province):
    submit_online(province, idempotency_key="req-1")
    with pytest.raises(Conflict):
        submit_online(province, idempotency_key="req-1", agency=province.commune)
    with pytest.raises(Conflict):
        submit_online(province, idempotency_key="req-1",
                      components=[*full_components(province),
                                  ComponentInput("Ảnh", province.photo.pk,
                                                 file=ContentFile(b"x", name="a.pdf"))])
    assert Dossier.objects.count() == 1
