"""API tokens (core.tokens): issuing, revoking, using; the commands and the admin."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tinhso.core import tokens
from tinhso.core.errors import PermissionDenied, ValidationFailed
from tinhso.core.models import ApiToken, AuditEntry, User, UserRole
from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory

API = "/api/v1/agencies/"


@pytest.fixture
def machine(db):
    return StaffFactory(username="phanmem.ketoan", roles=[Role.ONE_STOP_OFFICER])


@pytest.fixture
def sysadmin(db):
    user = StaffFactory(username="quantri.tinh")
    UserRole.objects.create(user=user, role=Role.SYSTEM_ADMIN)
    return user


def bearer(key) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_only_the_hash_is_kept_and_issuing_is_audited(machine, sysadmin):
    token, key = tokens.issue(sysadmin, machine, name="Phần mềm kế toán", days=30)
    assert key.startswith(token.prefix + "_") and len(key) > 50
    stored = ApiToken.objects.get()
    assert stored.key_hash == tokens.hash_key(key) and key not in str(stored.__dict__)
    assert stored.agency_id == machine.agency_id and stored.created_by == sysadmin
    assert timedelta(days=29) < stored.expires_at - timezone.now() <= timedelta(days=30)
    entry = AuditEntry.objects.get(action="api_token.issued")
    assert entry.actor_id == sysadmin.pk and entry.data["prefix"] == token.prefix
    assert key not in str(entry.data)


def test_who_may_issue_and_to_whom(machine, db):
    officer = StaffFactory(roles=[Role.ONE_STOP_OFFICER])
    with pytest.raises(PermissionDenied):
        tokens.issue(officer, machine, name="x")
    citizen = User.objects.create_user("congdan", personal_id="025095001234")
    with pytest.raises(ValidationFailed) as err:
        tokens.issue(None, citizen, name="x")
    assert err.value.code == "token_no_agency"
    with pytest.raises(ValidationFailed) as err:
        tokens.issue(None, machine, name=" ")
    assert err.value.code == "token_name_required"
    with pytest.raises(ValidationFailed):
        tokens.issue(None, machine, name="x", days=tokens.MAX_DAYS + 1)


def test_a_token_acts_as_its_account(machine):
    _token, key = tokens.issue(None, machine, name="Máy")
    response = bearer(key).get("/api/v1/dossiers/")
    assert response.status_code == 200, response.content


def test_last_used_is_written_at_most_once_a_minute(machine):
    token, key = tokens.issue(None, machine, name="Máy")
    bearer(key).get(API)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    bearer(key).get(API)
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    bearer(key).get(API)
    token.refresh_from_db()
    assert token.last_used_at > first


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer tsk_00000000_x"])
def test_malformed_and_unknown_keys_are_401(db, header):
    response = APIClient(HTTP_AUTHORIZATION=header).get(API)
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    assert AuditEntry.objects.filter(action="auth.token_failed").count() == 1


def test_revoking_twice_is_one_revocation(machine):
    token, key = tokens.issue(None, machine, name="Máy")
    tokens.revoke(None, token)
    tokens.revoke(None, token)
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1
    assert bearer(key).get(API).status_code == 401


def test_commands_issue_once_and_revoke_by_prefix(machine):
    out, err = StringIO(), StringIO()
    call_command("issue_api_token", machine.username, "--name", "Kế toán", "--days", "7",
                 stdout=out, stderr=err)
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert tokens.hash_key(key) == token.key_hash and token.prefix in err.getvalue()
    assert bearer(key).get(API).status_code == 200
    call_command("revoke_api_token", token.prefix, stdout=StringIO())
    assert bearer(key).get(API).status_code == 401
    with pytest.raises(CommandError):
        call_command("revoke_api_token", "tsk_ffffffff", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("issue_api_token", "khong.co", "--name", "x", stdout=StringIO())


def test_admin_lists_and_revokes_but_never_shows_a_key(client, machine):
    _token, key = tokens.issue(None, machine, name="Máy")
    admin_user = User.objects.create_superuser("quantri", "qt@example.vn", "Mật-khẩu-dài-9")
    client.force_login(admin_user)
    changelist = reverse("admin:core_apitoken_changelist")
    page = client.get(changelist)
    assert page.status_code == 200 and key not in page.content.decode()
    token = ApiToken.objects.get()
    detail = client.get(reverse("admin:core_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200
    assert key not in detail.content.decode() and token.key_hash not in detail.content.decode()
    assert 'name="_save"' not in detail.content.decode()
    response = client.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.get(action="api_token.revoked").actor_id == admin_user.pk


def test_the_schema_documents_both_credentials(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http",
                                     "scheme": "bearer"}
    assert "cookieAuth" in schemes and "basicAuth" not in schemes
