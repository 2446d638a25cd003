"""Applicant notifications: outbox rows on a change, sent by notify's task, retried, never
lost (the rows are written here, in dossiers.notifications; notify sends them)."""

import logging

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput
from tinhso.dossiers.models import ApplicantKind, Status
from tinhso.notify.models import MAX_ATTEMPTS, Notification

from .conftest import CITIZEN_ID, at

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RECEIVED_AT = at(2026, 2, 13, 10)


class BrokenGateway:
    """An SMS gateway that is down (stands in for the outside system)."""

    calls = 0

    def send(self, phone, text, *, key=""):
        type(self).calls += 1
        raise ConnectionError("SMS gateway 503")


def applicant(email="dan@example.vn", phone="0912345678"):
    return ApplicantInput(kind=ApplicantKind.CITIZEN, name="Trần Văn Dân",
                          id_number=CITIZEN_ID, phone=phone, email=email)


@pytest.fixture
def submitted(make_dossier):
    return make_dossier(applicant=applicant())


@override_settings(TASKS=IMMEDIATE)
def test_receive_sends_email_and_sms_in_vietnamese(province, submitted,
                                                   django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO, logger="tinhso.sms"), \
            django_capture_on_commit_callbacks(execute=True):
        lifecycle.receive(province.officer, submitted, at=RECEIVED_AT)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dan@example.vn"]
    assert submitted.code in message.subject
    assert "đã được tiếp nhận" in message.body
    assert "Ngày hẹn trả kết quả: 10:00 ngày 27/02/2026" in message.body
    rows = Notification.objects.filter(dossier=submitted).order_by("channel")
    assert [(r.channel, r.status, r.attempts) for r in rows] == [
        ("email", "sent", 1), ("sms", "sent", 1)]
    sms = [r for r in caplog.records if r.name == "tinhso.sms"]
    assert len(sms) == 1 and "0912345678" in sms[0].getMessage()
    assert submitted.code in sms[0].getMessage()


@override_settings(TASKS=IMMEDIATE)
def test_each_told_change_has_its_own_text(province, make_dossier,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_dossier(Status.PAYMENT_REQUESTED, applicant=applicant(phone=""))
    subjects = [m.subject for m in mail.outbox]
    # receive and request_payment are told; submit and start are not.
    assert len(subjects) == 2
    assert "yêu cầu thực hiện nghĩa vụ tài chính" in subjects[1]
    assert "30.000 đồng" in mail.outbox[1].body
    assert not Notification.objects.filter(channel="sms").exists()


@override_settings(TASKS=IMMEDIATE,
                   TINHSO_SMS_BACKEND="tinhso.dossiers.tests.test_notifications.BrokenGateway")
def test_failing_sms_is_retried_then_marked_failed(province, submitted,
                                                   django_capture_on_commit_callbacks):
    BrokenGateway.calls = 0
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.refuse(province.officer, submitted, reason="Sai thẩm quyền",
                         at=RECEIVED_AT)
    sms = Notification.objects.get(dossier=submitted, channel="sms")
    assert sms.status == Notification.Status.FAILED
    assert sms.attempts == MAX_ATTEMPTS == BrokenGateway.calls
    assert sms.last_error == "ConnectionError: SMS gateway 503"
    assert sms.sent_at is None
    assert "Lý do: Sai thẩm quyền" in sms.body
    email = Notification.objects.get(dossier=submitted, channel="email")
    assert email.status == Notification.Status.SENT  # one channel down does not stop another


@override_settings(TASKS=IMMEDIATE)
def test_nothing_is_sent_when_the_transaction_rolls_back(province, submitted,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), \
            transaction.atomic():
        lifecycle.receive(province.officer, submitted, at=RECEIVED_AT)
        raise RuntimeError("the request failed after the change")
    assert mail.outbox == []
    assert not Notification.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


# The worker closes its connections between tasks, as in production; that needs real commits.
@pytest.mark.django_db(transaction=True)
def test_database_backend_queues_and_the_worker_sends(province, submitted):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE):
        lifecycle.receive(province.officer, submitted, at=RECEIVED_AT)
        assert mail.outbox == []  # queued, not sent in the request
        assert DBTaskResult.objects.filter(
            task_path="tinhso.notify.tasks.send_notification").count() == 2
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_retry_command_sends_what_the_queue_lost(province, submitted,
                                                 django_capture_on_commit_callbacks):
    # The worker is down: enqueued tasks never run.
    with override_settings(TASKS=DUMMY), django_capture_on_commit_callbacks(execute=True):
        lifecycle.receive(province.officer, submitted, at=RECEIVED_AT)
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}
    with override_settings(TASKS=IMMEDIATE):
        call_command("retry_notifications", "--older-than", "5", verbosity=0)
        assert mail.outbox == []  # too recent: the queue may still deliver them
        call_command("retry_notifications", "--older-than", "0", verbosity=0)
    assert len(mail.outbox) == 1
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


@override_settings(TASKS=IMMEDIATE)
def test_retry_command_revives_failed_rows_on_request(province, submitted):
    row = Notification.objects.create(
        dossier=submitted, event="receive", channel="email", recipient="dan@example.vn",
        subject="Hồ sơ", body="Nội dung", status=Notification.Status.FAILED,
        attempts=MAX_ATTEMPTS, last_error="SMTPServerDisconnected: gone")
    call_command("retry_notifications", "--older-than", "0", verbosity=0)
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED  # not without --include-failed
    call_command("retry_notifications", "--older-than", "0", "--include-failed",
                 verbosity=0)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Notification.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_admin_lists_failed_notifications_first(client, province, submitted):
    from tinhso.core.models import User

    Notification.objects.create(dossier=submitted, event="receive", channel="sms",
                                recipient="0911111111", body="x", status="failed",
                                attempts=5, last_error="ConnectionError: down")
    Notification.objects.create(dossier=submitted, event="receive", channel="sms",
                                recipient="0922222222", body="x", status="sent", attempts=1)
    admin = User.objects.create_superuser("quantri", password=None)
    client.force_login(admin)
    page = client.get("/admin/notify/notification/").content.decode()
    assert "0911111111" in page and "ConnectionError: down" in page
    assert "0922222222" not in page
    everything = client.get("/admin/notify/notification/?status=all").content.decode()
    assert "0922222222" in everything


def test_sends_queued_under_the_old_task_path_still_run():
    # Task rows queued before sending moved to notify name the dossiers path.
    from django.utils.module_loading import import_string

    from tinhso.notify.tasks import send_notification

    assert import_string("tinhso.dossiers.tasks.send_notification") is send_notification
