"""Staff log-in: Argon2 hashes, axes throttling, and TOTP for privileged roles."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.core.models import AuditEntry, User
from tinhso.core.otp import PrivilegedOTPMiddleware
from tinhso.core.roles import Role
from tinhso.core.tests.factories import DEFAULT_PASSWORD, StaffFactory

LOGIN = reverse("core:login")
OTP = reverse("core:otp")
STAFF = reverse("core:staff")


def log_in(client, username, password=DEFAULT_PASSWORD, next_url=STAFF):
    return client.post(LOGIN, {"username": username, "password": password, "next": next_url})


def logged_in_id(client):
    return client.session.get("_auth_user_id")


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    t0 = device.t0 - offset * device.step
    return f"{totp(device.bin_key, device.step, t0, device.digits, device.drift):06d}"


def wrong_code(device: TOTPDevice) -> str:
    accepted = {current_code(device, k) for k in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 10**6)) if c not in accepted)


@pytest.fixture
def otp_on(settings):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = True
    return settings


@pytest.fixture
def leader():
    return StaffFactory(username="lanhdao", roles=[Role.AGENCY_LEADER])


# --- Passwords and log-in.


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = User.objects.create_user("bamat", password="Mật-khẩu-rất-dài-2026")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("Mật-khẩu-rất-dài-2026")


@pytest.mark.django_db
def test_an_old_pbkdf2_hash_is_upgraded_to_argon2_at_log_in(client):
    old_hash = make_password(DEFAULT_PASSWORD, hasher="pbkdf2_sha256")
    user = StaffFactory(username="cu", password=old_hash)
    assert user.password.startswith("pbkdf2_sha256$")
    assert log_in(client, "cu").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.django_db
def test_log_in_and_out(client):
    officer = StaffFactory(username="motcua", roles=[Role.ONE_STOP_OFFICER])
    response = log_in(client, "motcua")
    assert response.status_code == 302 and response["Location"] == STAFF
    assert logged_in_id(client) == str(officer.pk)
    assert client.get(STAFF).status_code == 200

    response = client.post(reverse("core:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")
    assert logged_in_id(client) is None
    assert client.get(STAFF).status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_a_vietnamese_error(client):
    StaffFactory(username="motcua")
    response = log_in(client, "motcua", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert logged_in_id(client) is None


@pytest.mark.django_db
def test_log_in_refuses_a_redirect_to_another_host(client):
    StaffFactory(username="motcua")
    response = log_in(client, "motcua", next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == reverse("portal:home")


@pytest.mark.django_db
def test_five_failures_lock_the_account_and_the_right_password_is_then_refused(client):
    StaffFactory(username="bikhoa")
    statuses = [log_in(client, "bikhoa", f"sai-{i}").status_code for i in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure reaches the limit
    response = log_in(client, "bikhoa")  # sixth try, right password
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html and "5 lần" in html and "15 phút" in html
    assert logged_in_id(client) is None
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()


# --- Second factor.


@pytest.mark.django_db
def test_leader_goes_straight_in_when_otp_is_off(client, settings, leader):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = False
    response = log_in(client, "lanhdao")
    assert response["Location"] == STAFF
    assert client.get(STAFF).status_code == 200
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_leader_enrols_a_device_then_the_staff_page_opens(client, otp_on, leader):
    response = log_in(client, "lanhdao")
    assert response.status_code == 302
    assert response["Location"] == f"{OTP}?next=%2Fstaff%2F"
    # Password alone does not open staff pages.
    assert client.get(STAFF)["Location"] == f"{OTP}?next=%2Fstaff%2F"

    page = client.get(response["Location"])
    html = page.content.decode()
    device = TOTPDevice.objects.get(user=leader)
    assert not device.confirmed
    assert "otpauth://totp/tinhso%3Alanhdao?secret=" in html
    assert "<svg" in html and "<path" in html and "Mã QR" in html
    secret = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in html
    # A second visit shows the same secret, so a scanned code stays valid.
    client.get(OTP)
    assert TOTPDevice.objects.get(user=leader).key == device.key

    refused = client.post(OTP, {"token": wrong_code(device), "next": STAFF})
    assert refused.status_code == 200
    assert "Mã xác thực không đúng" in refused.content.decode()
    assert client.get(STAFF).status_code == 302

    # Right after a failure the device makes the user wait, even with the right code.
    throttled = client.post(OTP, {"token": current_code(device), "next": STAFF})
    assert "Vui lòng đợi" in throttled.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))

    accepted = client.post(OTP, {"token": current_code(device), "next": STAFF})
    assert accepted.status_code == 302 and accepted["Location"] == STAFF
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert client.get(STAFF).status_code == 200
    assert client.get(OTP)["Location"] == STAFF  # nothing left to do there
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"auth.otp_failed", "auth.otp_enrolled", "auth.otp_verified"} <= actions


@pytest.mark.django_db
def test_enrolled_leader_confirms_a_code_at_each_log_in(client, otp_on, leader):
    device = TOTPDevice.objects.create(user=leader, name="app", confirmed=True)
    log_in(client, "lanhdao")
    html = client.get(OTP).content.decode()
    assert "otpauth://" not in html and "<svg" not in html  # no second enrolment
    assert client.post(OTP, {"token": "12ab56"}).status_code == 200  # not 6 digits
    used = current_code(device)
    response = client.post(OTP, {"token": used, "next": STAFF})
    assert response["Location"] == STAFF
    assert client.get(STAFF).status_code == 200

    # A fresh session must verify again, and the code just used cannot be replayed (the same
    # code: a slow run can cross into the next 30 s step, whose new code would be accepted).
    client.post(reverse("core:logout"))
    log_in(client, "lanhdao")
    assert client.get(STAFF).status_code == 302
    replay = client.post(OTP, {"token": used, "next": STAFF})
    assert replay.status_code == 200


@pytest.mark.django_db
def test_non_privileged_staff_never_see_otp(client, otp_on):
    StaffFactory(username="chuyenvien", roles=[Role.SPECIALIST, Role.DIVISION_HEAD])
    response = log_in(client, "chuyenvien")
    assert response["Location"] == STAFF
    assert client.get(STAFF).status_code == 200
    assert client.get(OTP)["Location"] == reverse("core:staff")
    assert not TOTPDevice.objects.exists()


@pytest.mark.django_db
def test_otp_page_keeps_next_on_this_site_only(client, otp_on, leader):
    device = TOTPDevice.objects.create(user=leader, name="app", confirmed=True)
    log_in(client, "lanhdao")
    response = client.post(OTP, {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == STAFF


# --- The middleware that guards every other page (to be listed in settings.MIDDLEWARE).


@pytest.fixture
def with_middleware(settings):
    path = f"{PrivilegedOTPMiddleware.__module__}.{PrivilegedOTPMiddleware.__name__}"
    if path not in settings.MIDDLEWARE:
        at = settings.MIDDLEWARE.index("django_otp.middleware.OTPMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], path, *settings.MIDDLEWARE[at:]]


@pytest.mark.django_db
def test_middleware_holds_an_unverified_leader_at_the_otp_page(client, otp_on, leader,
                                                               with_middleware):
    client.force_login(leader)
    assert client.get("/")["Location"] == f"{OTP}?next=%2F"
    assert client.get("/admin/")["Location"] == f"{OTP}?next=%2Fadmin%2F"
    api = client.get("/api/v1/agencies/")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    assert client.get(OTP).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post(reverse("core:logout")).status_code == 302


@pytest.mark.django_db
def test_middleware_lets_others_through(client, otp_on, with_middleware):
    client.force_login(StaffFactory(roles=[Role.ONE_STOP_OFFICER]))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/agencies/").status_code == 200


# --- The account behind a session.


@pytest.mark.django_db
def test_a_request_reads_the_account_with_its_roles(client):
    """On PostgreSQL the roles come with the account, in one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    officer = StaffFactory(username="motcua.roles", roles=[Role.ONE_STOP_OFFICER])
    client.force_login(officer)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("backoffice:index")).status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    account_reads = [q for q in sql if re.search(r'FROM "?core_user"?\b', q)]
    assert len(account_reads) == 1
    role_reads = [q for q in sql if "core_userrole" in q and q not in account_reads]
    assert len(role_reads) == (0 if connection.vendor == "postgresql" else 1)


@pytest.mark.django_db
def test_each_request_sees_the_accounts_roles_and_state_now():
    """Nothing is kept between requests: a role taken away counts from the next request on,
    and a deactivated account is no longer anyone's."""
    from tinhso.core.auth import AccountBackend
    from tinhso.core.models import UserRole

    officer = StaffFactory(username="motcua.now", roles=[Role.ONE_STOP_OFFICER,
                                                         Role.SPECIALIST])
    backend = AccountBackend()
    assert backend.get_user(officer.pk).role_codes == {Role.ONE_STOP_OFFICER, Role.SPECIALIST}
    UserRole.objects.filter(user=officer, role=Role.SPECIALIST).delete()
    assert backend.get_user(officer.pk).role_codes == {Role.ONE_STOP_OFFICER}
    UserRole.objects.filter(user=officer).delete()
    assert backend.get_user(officer.pk).role_codes == frozenset()
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert backend.get_user(officer.pk) is None
