"""The sending side of the outbox, on its own: the SMS port and the wait between attempts."""

import logging
from datetime import timedelta

from django.test import override_settings

from tinhso.notify.sending import LoggingSmsSender, backoff, get_sms_sender


def test_attempts_wait_1_2_4_8_minutes():
    assert [backoff(n) for n in range(5)] == [
        timedelta(minutes=m) for m in (1, 1, 2, 4, 8)]


def test_the_default_sms_sender_writes_to_the_log(caplog):
    sender = get_sms_sender()
    assert isinstance(sender, LoggingSmsSender)
    with caplog.at_level(logging.INFO, logger="tinhso.sms"):
        sender.send("0912345678", "Hồ sơ đã được tiếp nhận")
    assert caplog.records[-1].getMessage() == "SMS tới 0912345678: Hồ sơ đã được tiếp nhận"


class Gateway:
    def send(self, phone, text, *, key=""):
        raise AssertionError


@override_settings(TINHSO_SMS_BACKEND="tinhso.notify.tests.test_sending.Gateway")
def test_the_sms_sender_is_the_setting():
    assert isinstance(get_sms_sender(), Gateway)
