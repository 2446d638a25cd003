"""The SMS brandname gateway over real HTTP: the eSMS.vn adapter against its simulator, and the
outbox's SMS rows reaching it (accepted, refused for good, refused for now, unreachable)."""

import json
import urllib.request

import pytest
from django.test import override_settings

from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput
from tinhso.dossiers.models import ApplicantKind
from tinhso.dossiers.tests.conftest import CITIZEN_ID, at
from tinhso.integrations.simulators import running
from tinhso.integrations.sms.client import EsmsClient, SmsRefused, SmsUnavailable
from tinhso.integrations.sms.simulator import make_server
from tinhso.notify.models import MAX_ATTEMPTS, Notification
from tinhso.notify.sending import Undeliverable, deliver, message_key

KEYS = {"api_key": "khoa-api", "secret": "khoa-bi-mat", "brandname": "UBND.TINH"}
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
# The body of the gateway's published example for a customer-care message (field names and
# value types as documented; values are placeholders there).
PUBLISHED = {"ApiKey": "", "Content": "", "Phone": "", "SecretKey": "", "Brandname": "",
             "SmsType": "2", "IsUnicode": "0", "Sandbox": "0", "campaignid": "",
             "RequestId": "", "CallbackUrl": ""}


@pytest.fixture
def gateway():
    server = make_server("127.0.0.1", 0, **KEYS)
    with running(server) as url:
        yield server.gateway, url


def sim(url, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    with urllib.request.urlopen(urllib.request.Request(url + path, data=data)) as response:
        return response.read().decode()


def client(url, **kwargs):
    return EsmsClient(url=url, **{**KEYS, **kwargs})


def test_the_request_speaks_the_published_fields():
    body = EsmsClient(url="https://rest.esms.vn", **KEYS, unicode=False, sandbox=True).request(
        "+84 912.345.678", "Ho so da duoc tiep nhan", key="tinhso-7-1")
    assert set(body) <= set(PUBLISHED)
    assert all(isinstance(v, str) for v in body.values())  # strings, as documented
    assert body == {"ApiKey": "khoa-api", "SecretKey": "khoa-bi-mat", "Phone": "84912345678",
                    "Content": "Ho so da duoc tiep nhan", "Brandname": "UBND.TINH",
                    "SmsType": "2", "IsUnicode": "0", "Sandbox": "1", "RequestId": "tinhso-7-1"}


def test_an_accepted_message_is_kept_once_even_when_sent_again(gateway):
    sims, url = gateway
    sender = client(url)
    sender.send("0912 345 678", "Ho so da duoc tiep nhan", key="tinhso-1-1")
    # An attempt whose answer was lost is sent again with the same RequestId: the gateway
    # answers 124 and does not send it twice; for the outbox it went out.
    sender.send("0912 345 678", "Ho so da duoc tiep nhan", key="tinhso-1-1")
    [message] = sims.listed()
    assert message["Phone"] == "0912345678" and message["RequestId"] == "tinhso-1-1"
    assert message["Brandname"] == "UBND.TINH" and message["SmsType"] == "2"
    sender.send("0912345678", "Tin thu hai", key="tinhso-2-1")
    assert [m["Content"] for m in sims.listed()] == ["Tin thu hai", "Ho so da duoc tiep nhan"]


def test_refusals_carry_the_gateway_code_and_reason(gateway):
    sims, url = gateway
    with pytest.raises(SmsRefused, match=r"mã 101\): Authorize Failed"):
        client(url, secret="sai").send("0912345678", "x")
    with pytest.raises(SmsRefused, match=r"mã 104\): Brand name code is not exist"):
        client(url, brandname="KHAC").send("0912345678", "x")
    with pytest.raises(Undeliverable, match=r"mã 108\): Phone number is not in correct format"):
        client(url).send("12345", "x")
    sim(url, "/_sim/next", {"CodeResult": "146", "ErrorMessage": "Sai template Brandname CSKH"})
    with pytest.raises(Undeliverable, match="Sai template Brandname CSKH"):
        client(url).send("0912345678", "x")
    sim(url, "/_sim/outage", {"down": True})
    with pytest.raises(SmsUnavailable, match="HTTP 503"):
        client(url).send("0912345678", "x")
    assert sims.listed() == []
    with pytest.raises(SmsUnavailable, match="Không kết nối"):
        client("http://127.0.0.1:9", timeout=2).send("0912345678", "x")


def test_the_simulator_shows_what_it_received(gateway):
    _, url = gateway
    assert "Chưa có tin nhắn nào" in sim(url, "/")
    client(url, unicode=True).send("0912345678", "Hồ sơ <b>H1</b> đã được tiếp nhận", key="k")
    page = sim(url, "/")
    assert "Hồ sơ &lt;b&gt;H1&lt;/b&gt; đã được tiếp nhận" in page and "có dấu" in page
    listed = json.loads(sim(url, "/_sim/messages"))["messages"]
    assert listed[0]["IsUnicode"] == "1" and listed[0]["Segments"] == 1


# --- The outbox's SMS rows through the adapter.


@pytest.fixture
def sms_row(province, make_dossier, gateway, django_capture_on_commit_callbacks):
    """A dossier refused, with the SMS row its applicant is owed (not yet sent)."""
    applicant = ApplicantInput(kind=ApplicantKind.CITIZEN, name="Nguyễn Thị Bé",
                               id_number=CITIZEN_ID, phone="0912345678", email="")
    dossier = make_dossier(applicant=applicant)
    _, url = gateway
    with override_settings(TASKS=DUMMY), django_capture_on_commit_callbacks(execute=True):
        lifecycle.refuse(province.officer, dossier, reason="Sai thẩm quyền giải quyết",
                         at=at(2026, 2, 13, 10))
    row = Notification.objects.get(dossier=dossier, channel=Notification.Channel.SMS)
    with override_settings(TINHSO_SMS_BACKEND="tinhso.integrations.sms.client.EsmsClient",
                           TINHSO_SMS_URL=url, TINHSO_SMS_API_KEY=KEYS["api_key"],
                           TINHSO_SMS_SECRET=KEYS["secret"],
                           TINHSO_SMS_BRANDNAME=KEYS["brandname"], TINHSO_SMS_UNICODE=False):
        yield row


@pytest.mark.django_db
def test_a_notification_reaches_the_gateway_folded(gateway, sms_row):
    sims, _ = gateway
    assert "Sai thẩm quyền" in sms_row.body  # the outbox keeps the Vietnamese text
    row = deliver(sms_row.pk)
    assert (row.status, row.attempts, row.last_error) == (Notification.Status.SENT, 1, "")
    [message] = sims.listed()
    assert message["Phone"] == "0912345678" and message["IsUnicode"] == "0"
    assert message["RequestId"] == message_key(row)
    assert message["Content"].startswith(f"Ho so {row.dossier.code} (")
    assert "khong duoc tiep nhan. Ly do: Sai tham quyen giai quyet" in message["Content"]
    assert message["Content"].isascii()


@pytest.mark.django_db
def test_a_refusal_for_now_is_retried_with_its_reason(gateway, sms_row):
    sims, url = gateway
    sim(url, "/_sim/next", {"CodeResult": "103", "ErrorMessage": "Not enough balance"})
    row = deliver(sms_row.pk)
    assert row.status == Notification.Status.PENDING and row.attempts == 1
    assert row.last_error == "SmsRefused: Cổng SMS từ chối (mã 103): Not enough balance"
    assert row.next_attempt_at is not None
    row = deliver(sms_row.pk)  # the operator topped the account up
    assert row.status == Notification.Status.SENT and row.attempts == 2
    assert len(sims.listed()) == 1


@pytest.mark.django_db
def test_a_refusal_for_good_fails_the_row_at_once(gateway, sms_row):
    sims, url = gateway
    sim(url, "/_sim/next", {"CodeResult": "99",
                            "ErrorMessage": "The phone number is blocked in the system"})
    row = deliver(sms_row.pk)
    assert row.status == Notification.Status.FAILED and row.attempts == 1 < MAX_ATTEMPTS
    assert row.last_error == ("Undeliverable: Cổng SMS từ chối (mã 99): "
                              "The phone number is blocked in the system")
    assert row.next_attempt_at is None and deliver(sms_row.pk) is None
    assert sims.listed() == []


@pytest.mark.django_db
def test_with_unicode_on_the_text_keeps_its_diacritics(gateway, sms_row):
    sims, _ = gateway
    with override_settings(TINHSO_SMS_UNICODE=True, TINHSO_SMS_MAX_SEGMENTS=4):
        deliver(sms_row.pk)
    [message] = sims.listed()
    assert message["IsUnicode"] == "1"
    assert message["Content"] == sms_row.body
