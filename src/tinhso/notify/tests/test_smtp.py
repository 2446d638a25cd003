"""E-mail through real SMTP: the demo's sink (notify.mailsink, `tinhso smtp_sink`) on a free
port receives what the outbox sends with Django's SMTP backend; /dev/mail/ shows it."""

import socket

import pytest
from django.test import override_settings
from django.urls import reverse

from tinhso.dossiers import lifecycle
from tinhso.dossiers.codes import tracking_url
from tinhso.dossiers.inputs import ApplicantInput
from tinhso.dossiers.models import ApplicantKind, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID
from tinhso.notify import mailsink
from tinhso.notify.models import Notification

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def sink(settings, tmp_path):
    """The sink on a free port, and Django's SMTP backend pointed at it."""
    port = free_port()
    folder = tmp_path / "mail"
    controller = mailsink.start(folder, port=port)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER = False, ""
    settings.DEFAULT_FROM_EMAIL = "Cổng dịch vụ công <dichvucong@phutho.example.vn>"
    settings.TINHSO_MAIL_SINK_DIR = folder
    yield folder
    controller.stop()


@override_settings(TASKS=IMMEDIATE)
def test_a_notification_arrives_through_smtp_in_clean_vietnamese(
        sink, province, make_dossier, django_capture_on_commit_callbacks):
    dossier = make_dossier(applicant=ApplicantInput(
        kind=ApplicantKind.CITIZEN, name="Trần Văn Dân", id_number=CITIZEN_ID,
        phone="0912345678", email="dan@example.vn"))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.receive(province.officer, dossier)
    rows = {r.channel: r for r in Notification.objects.filter(dossier=dossier)}
    assert rows["email"].status == "sent", rows["email"].last_error
    received = mailsink.messages(sink)
    assert len(received) == 1
    message = received[0]
    assert message.to == "dan@example.vn"
    assert message.sender == "Cổng dịch vụ công <dichvucong@phutho.example.vn>"
    assert message.subject == f"Hồ sơ {dossier.code} đã được tiếp nhận"
    assert message.body.startswith("Kính gửi ông/bà Trần Văn Dân,")
    # The same composed text as the SMS, and the tracking address.
    assert rows["sms"].body in message.body
    assert tracking_url(dossier.code) in message.body


@override_settings(TASKS=IMMEDIATE)
def test_each_event_has_its_own_subject_through_smtp(sink, province, make_dossier,
                                                     django_capture_on_commit_callbacks):
    applicant = ApplicantInput(kind=ApplicantKind.CITIZEN, name="Trần Văn Dân",
                               id_number=CITIZEN_ID, email="dan@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(Status.SUPPLEMENT_REQUESTED, applicant=applicant)
        lifecycle.withdraw(province.officer, dossier, reason="Công dân đề nghị tại quầy")
    subjects = sorted(m.subject for m in mailsink.messages(sink))
    assert subjects == sorted([f"Hồ sơ {dossier.code} đã được tiếp nhận",
                               f"Hồ sơ {dossier.code} cần bổ sung giấy tờ",
                               f"Hồ sơ {dossier.code} đã được rút"])


@pytest.mark.django_db  # the page's frame reads the province's name
def test_the_demo_mailbox_page_lists_what_the_sink_received(sink, client, settings):
    from django.core.mail import send_mail

    send_mail("Hồ sơ H44.07-260213-0001 đã có kết quả", "Mời ông/bà nhận kết quả.", None,
              ["dan@example.vn"])
    assert settings.TINHSO_DEMO_IDP  # the page exists only with the demo provider
    html = client.get(reverse("dev_mailbox")).content.decode()
    assert "Hồ sơ H44.07-260213-0001 đã có kết quả" in html
    assert "Mời ông/bà nhận kết quả." in html and "dan@example.vn" in html
