"""The applicant's request to withdraw a dossier and the official's decision on it
(dossiers.withdrawals): one open request, status 7 only through the official's consent."""

import pytest
from django.test import override_settings

from tinhso.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tinhso.core.models import AuditEntry
from tinhso.dossiers import notifications, withdrawals
from tinhso.dossiers.inputs import ApplicantInput
from tinhso.dossiers.models import ApplicantKind, Status, WithdrawalRequest
from tinhso.notify.models import Notification

from .conftest import CITIZEN_ID

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
State = WithdrawalRequest.State


def with_contacts():
    return ApplicantInput(kind=ApplicantKind.CITIZEN, name="Trần Văn Dân", id_number=CITIZEN_ID,
                          phone="0912345678", email="dan@example.vn")


def test_the_applicant_asks_once_however_often_they_press(province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    first = withdrawals.ask(province.citizen, dossier, reason="  Đã làm ở nơi khác  ")
    again = withdrawals.ask(province.citizen, dossier, reason="Bấm lần nữa")
    assert again.pk == first.pk
    assert WithdrawalRequest.objects.filter(dossier=dossier).count() == 1
    assert (first.state, first.reason, first.requested_by) == (
        State.OPEN, "Đã làm ở nơi khác", province.citizen)
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING  # asking changes nothing yet
    assert withdrawals.open_request(dossier) == first
    assert AuditEntry.objects.filter(action="dossier.withdrawal_requested").count() == 1


def test_asking_needs_a_reason_and_an_open_dossier_of_ones_own(province, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    with pytest.raises(ValidationFailed) as missing:
        withdrawals.ask(province.citizen, dossier, reason="   ")
    assert (missing.value.code, str(missing.value.message)) == (
        "reason_required", "Cần nêu rõ lý do.")
    with pytest.raises(NotFound):
        withdrawals.ask(province.other_citizen, dossier, reason="Không phải của tôi")
    with pytest.raises(PermissionDenied) as official:
        withdrawals.ask(province.officer, dossier, reason="Thay dân")
    assert "Chỉ người nộp hồ sơ" in str(official.value.message)
    finished = make_dossier(Status.FINISHED)
    with pytest.raises(ValidationFailed) as closed:
        withdrawals.ask(province.citizen, finished, reason="Muộn rồi")
    assert closed.value.code == "not_withdrawable"
    assert "Đã xử lý xong" in str(closed.value.message)
    assert not WithdrawalRequest.objects.exists()


@override_settings(TASKS=DUMMY)
def test_the_desk_accepts_and_the_dossier_is_withdrawn(province, make_dossier,
                                                       django_capture_on_commit_callbacks):
    dossier = make_dossier(Status.SUPPLEMENT_REQUESTED, applicant=with_contacts())
    request = withdrawals.ask(province.citizen, dossier, reason="Không còn nhu cầu")
    # Only the receiving agency's one-stop officer decides (policy of "withdraw").
    with pytest.raises(PermissionDenied):
        withdrawals.accept(province.specialist, request)
    with pytest.raises(NotFound):
        withdrawals.accept(province.other_officer, request)
    with django_capture_on_commit_callbacks(execute=True):
        decided = withdrawals.accept(province.officer, request)
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN and dossier.closed_at is not None
    assert dossier.paused_since is None  # the paused clock stopped for good
    event = dossier.events.get(action="withdraw")
    assert event.actor == province.officer
    assert event.note == "Theo đề nghị của người nộp: Không còn nhu cầu"
    assert (decided.state, decided.decided_by) == (State.ACCEPTED, province.officer)
    assert AuditEntry.objects.filter(action="dossier.withdrawal_accepted").count() == 1
    # The applicant is told on both channels, with one text.
    rows = {r.channel: r for r in Notification.objects.filter(dossier=dossier,
                                                               event="withdraw")}
    assert set(rows) == {"email", "sms"}
    assert rows["email"].subject == f"Hồ sơ {dossier.code} đã được rút"
    assert rows["sms"].body in rows["email"].body
    assert "đã được rút" in rows["sms"].body
    with pytest.raises(Conflict) as twice:
        withdrawals.accept(province.officer, request)
    assert twice.value.code == "already_decided"
    assert withdrawals.open_request(dossier) is None


@override_settings(TASKS=DUMMY)
def test_the_desk_declines_with_a_reason_and_the_applicant_may_ask_again(
        province, make_dossier, django_capture_on_commit_callbacks):
    dossier = make_dossier(Status.PROCESSING, applicant=with_contacts())
    request = withdrawals.ask(province.citizen, dossier, reason="Đổi ý")
    with pytest.raises(ValidationFailed):
        withdrawals.decline(province.officer, request, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        decided = withdrawals.decline(province.officer, request,
                                      reason="Hồ sơ đã có kết quả thẩm định")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert (decided.state, decided.decline_reason) == (
        State.DECLINED, "Hồ sơ đã có kết quả thẩm định")
    assert withdrawals.last_request(dossier) == decided
    sms = Notification.objects.get(dossier=dossier, event=notifications.WITHDRAWAL_DECLINED,
                                   channel="sms")
    assert sms.body == (f"Cơ quan tiếp nhận không đồng ý cho rút hồ sơ {dossier.code} "
                        f"({dossier.procedure.name}). Lý do: Hồ sơ đã có kết quả thẩm định. "
                        "Hồ sơ tiếp tục được giải quyết.")
    assert AuditEntry.objects.filter(action="dossier.withdrawal_declined").count() == 1
    second = withdrawals.ask(province.citizen, dossier, reason="Vẫn muốn rút")
    assert second.pk != request.pk and second.state == State.OPEN


def test_a_request_left_open_on_a_dossier_that_closed_cannot_be_accepted(province,
                                                                         make_dossier):
    from tinhso.dossiers import lifecycle

    dossier = make_dossier(Status.PROCESSING)
    request = withdrawals.ask(province.citizen, dossier, reason="Không cần")
    lifecycle.stop(province.leader, dossier, reason="Chủ hồ sơ đã mất")
    dossier.refresh_from_db()
    assert withdrawals.open_request(dossier) is None
    with pytest.raises(Conflict) as closed:
        withdrawals.accept(province.officer, request)
    assert closed.value.code == "not_withdrawable"
