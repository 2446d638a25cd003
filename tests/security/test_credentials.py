"""Issue #12, defects 1 and 2: which credentials the API accepts, the second factor on every
privileged door, a wrong password that must not crash or lock anyone out, and lock-outs keyed
on the real client address behind a reverse proxy."""

from base64 import b64encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.signals import user_login_failed
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient, APIRequestFactory

from tinhso.core.models import AuditEntry, User, UserRole
from tinhso.core.roles import Role
from tinhso.dossiers.models import Status

PASSWORD = "Mật-khẩu-đủ-dài-2026"
URL = "/api/v1/dossiers/"
LOGIN = reverse("core:login")
OTP_MIDDLEWARE = "tinhso.core.otp.PrivilegedOTPMiddleware"


@pytest.fixture
def otp_on(settings):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = True
    return settings


@pytest.fixture
def passwords(province):
    for user in (province.supervisor, province.leader, province.division_head,
                 province.officer):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return province


def basic(username, password) -> dict:
    pair = b64encode(f"{username}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {pair}"}


def verified_client(user) -> Client:
    """A session whose second factor is confirmed, as core.otp.verify leaves it."""
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def stop(client, code, **extra):
    return client.post(f"{URL}{code}/stop/", {"reason": "Thử dừng"},
                       content_type="application/json", **extra)


# --- Defect 1: HTTP Basic bypassed the second factor.


def test_basic_password_no_longer_opens_a_dossier(otp_on, passwords, make_dossier):
    dossier = make_dossier(Status.RECEIVED)
    response = Client().get(f"{URL}{dossier.code}/", **basic("giamsat", PASSWORD))
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "applicant" not in response.json()


def test_basic_password_no_longer_stops_a_dossier(otp_on, passwords, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    response = stop(Client(), dossier.code, **basic("giamdoc", PASSWORD))
    assert response.status_code == 401
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


@pytest.mark.parametrize("middleware", [True, False], ids=["with-middleware", "api-alone"])
def test_unverified_privileged_session_is_held_on_every_api_view(otp_on, province,
                                                                make_dossier, middleware):
    """The API holds by itself: also without the page middleware in front of it."""
    if not middleware:
        otp_on.MIDDLEWARE = [m for m in otp_on.MIDDLEWARE if m != OTP_MIDDLEWARE]
    dossier = make_dossier(Status.PROCESSING)
    supervisor, leader = Client(), Client()
    supervisor.force_login(province.supervisor)
    leader.force_login(province.leader)
    for response in (supervisor.get(f"{URL}{dossier.code}/"), stop(leader, dossier.code),
                     # a view with its own permission_classes (AllowAny) is no exception
                     supervisor.get("/api/v1/agencies/"), supervisor.get("/api/v1/")):
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "otp_required"
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_verified_privileged_session_works(otp_on, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    assert verified_client(province.supervisor).get(f"{URL}{dossier.code}/").status_code == 200
    response = stop(verified_client(province.leader), dossier.code)
    assert response.status_code == 200, response.content
    dossier.refresh_from_db()
    assert dossier.status == Status.STOPPED


def test_session_api_calls_still_need_csrf(province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(province.division_head)
    response = stop(client, dossier.code)
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING


def test_an_officials_token_works_in_its_agency_and_404s_outside(otp_on, province,
                                                                 make_dossier):
    from tinhso.core import tokens

    home = make_dossier(Status.RECEIVED)
    elsewhere = make_dossier(Status.SUBMITTED, agency=province.commune)
    _token, key = tokens.issue(None, province.officer, name="Phần mềm một cửa")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(f"{URL}{home.code}/").status_code == 200
    assert {row["code"] for row in client.get(URL).json()["results"]} == {home.code}
    assert client.get(f"{URL}{elsewhere.code}/").status_code == 404


def test_no_token_for_a_person_who_must_use_the_second_factor(province):
    from tinhso.core import tokens
    from tinhso.core.errors import ValidationFailed

    for user in (province.leader, province.supervisor,
                 User.objects.create_user("quantri", is_superuser=True,
                                          agency=province.agency)):
        with pytest.raises(ValidationFailed):
            tokens.issue(None, user, name="x")


@pytest.mark.parametrize("spoil", ["revoked", "expired", "moved", "promoted", "inactive",
                                   "unknown"])
def test_a_dead_token_answers_401_and_is_audited(province, make_dossier, spoil):
    from tinhso.core import tokens

    dossier = make_dossier(Status.RECEIVED)
    token, key = tokens.issue(None, province.officer, name="Máy")
    officer = province.officer
    if spoil == "revoked":
        tokens.revoke(None, token)
    elif spoil == "expired":
        token.expires_at = timezone.now() - timedelta(seconds=1)
        token.save()
    elif spoil == "moved":
        officer.agency = province.other_agency
        officer.save()
    elif spoil == "promoted":
        UserRole.objects.create(user=officer, role=Role.AGENCY_LEADER)
    elif spoil == "inactive":
        officer.is_active = False
        officer.save()
    else:
        key = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    response = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}").get(f"{URL}{dossier.code}/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEntry.objects.filter(action="auth.token_failed").count() == 1


# --- Defect 2: a wrong Basic password answered 500 and locked the official out.


def test_a_wrong_basic_password_is_401_counts_nothing_and_locks_nobody_out(passwords):
    for _ in range(6):
        response = Client().get(URL, **basic("truongphong", "sai"))
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    assert not AccessAttempt.objects.exists()
    signed_in = Client().post(LOGIN, {"username": "truongphong", "password": PASSWORD})
    assert signed_in.status_code == 302


@pytest.mark.django_db
def test_a_failed_login_signalled_from_an_api_request_is_audited_once():
    """The cause of the 500: auditing a failure read DRF's request.user, which authenticated
    again. Whatever door sends the signal, the audit must not re-enter authentication."""
    from rest_framework.authentication import BaseAuthentication
    from rest_framework.request import Request

    class Failing(BaseAuthentication):
        def authenticate(self, request):
            user_login_failed.send(sender=__name__, credentials={"username": "ai_do"},
                                   request=request)
            return None

    request = Request(APIRequestFactory().get("/api/v1/"), authenticators=[Failing()])
    assert not request.user.is_authenticated
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.data == {"username": "ai_do"} and entry.actor_id is None


def test_a_wrong_password_at_sign_in_is_one_audit_entry_and_one_failure(passwords):
    response = Client().post(LOGIN, {"username": "truongphong", "password": "sai"})
    assert response.status_code == 200
    assert AuditEntry.objects.filter(action="auth.login_failed").count() == 1
    attempt = AccessAttempt.objects.get()
    assert attempt.failures_since_start == 1


# --- Lock-outs keyed on the real client address.

PROXY = "10.0.0.1"


def sign_in(address, password, *, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra).post(LOGIN, {"username": "truongphong", "password": password})


def test_behind_a_trusted_proxy_one_client_is_locked_out_not_the_other(settings, passwords):
    settings.TINHSO_TRUSTED_PROXIES = [f"{PROXY}/32"]
    attacker, official = "203.0.113.5", "203.0.113.6"
    statuses = [sign_in(PROXY, f"sai-{i}", forwarded=attacker).status_code for i in range(5)]
    assert statuses[-1] == 429
    assert sign_in(PROXY, PASSWORD, forwarded=attacker).status_code == 429
    assert sign_in(PROXY, PASSWORD, forwarded=official).status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
    failed = AuditEntry.objects.filter(action="auth.login_failed")
    assert set(failed.values_list("ip_address", flat=True)) == {attacker}


def test_a_forged_forwarded_for_from_an_untrusted_address_is_ignored(settings, passwords):
    settings.TINHSO_TRUSTED_PROXIES = [f"{PROXY}/32"]
    attacker = "198.51.100.9"
    for i in range(5):
        sign_in(attacker, f"sai-{i}", forwarded=f"203.0.113.{i}")
    assert sign_in(attacker, PASSWORD, forwarded="203.0.113.77").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {attacker}
