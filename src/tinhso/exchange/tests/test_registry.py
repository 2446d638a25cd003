"""The registry: only the operator changes it, every change is audited, bad input is a 400."""

import pytest

from tinhso.core.errors import Conflict, PermissionDenied, ValidationFailed
from tinhso.core.models import AuditEntry
from tinhso.exchange import services
from tinhso.exchange.models import AccessRight, MemberSystem

from .conftest import new_key

pytestmark = pytest.mark.django_db


def _provider(operator):
    return services.register_system(operator, member_class="GOV", member_code="000.00.00.H41",
                                    subsystem="DMDC", name="Danh mục dùng chung")


def test_operator_registers_system_service_credential_and_grant_all_audited(operator):
    provider = _provider(operator)
    assert provider.identifier == "GOV/000.00.00.H41/DMDC"
    client = services.register_system(operator, member_class="GOV",
                                      member_code="000.00.00.H41", subsystem="MOTCUA",
                                      name="Hệ thống một cửa")
    service = services.register_service(operator, provider=provider, code="catalogues",
                                        name="Danh mục", base_url="http://127.0.0.1:9/")
    assert service.identifier == "GOV/000.00.00.H41/DMDC/catalogues/v1"
    assert service.base_url == "http://127.0.0.1:9"
    services.add_credential(operator, client, public_key_pem=new_key()[1])
    right = services.grant(operator, client=client, service=service, method="get",
                           path_prefix="/units")
    assert (right.method, right.path_prefix) == ("GET", "/units")
    services.revoke(operator, right)
    assert not AccessRight.objects.exists()
    actions = list(AuditEntry.objects.filter(action__startswith="exchange.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["exchange.system.registered", "exchange.system.registered",
                       "exchange.service.registered", "exchange.credential.added",
                       "exchange.access.granted", "exchange.access.revoked"]
    assert AuditEntry.objects.get(action="exchange.access.granted").actor_id == operator.pk


def test_only_the_operator_changes_the_registry(official):
    with pytest.raises(PermissionDenied):
        services.register_system(official, member_class="GOV", member_code="H44",
                                 subsystem="X", name="X")
    assert not MemberSystem.objects.exists()


def test_duplicates_and_bad_input_are_refused(operator):
    provider = _provider(operator)
    with pytest.raises(Conflict):
        _provider(operator)
    with pytest.raises(ValidationFailed) as bad:
        services.register_system(operator, member_class="GOV", member_code="H 44/1",
                                 subsystem="X", name="X")
    assert "member_code" in bad.value.details
    with pytest.raises(ValidationFailed):
        services.add_credential(operator, provider, public_key_pem="không phải khóa")
    with pytest.raises(ValidationFailed):
        services.add_credential(operator, provider, kind="tls_cert", cert_fingerprint="ab")
    service = services.register_service(operator, provider=provider, code="c", name="C",
                                        base_url="http://127.0.0.1:9")
    with pytest.raises(ValidationFailed):
        services.grant(operator, client=provider, service=service, method="FETCH")
    with pytest.raises(ValidationFailed):
        services.grant(operator, client=provider, service=service, path_prefix="units")
    with pytest.raises(ValidationFailed):
        services.update_service(operator, service, timeout_ms=1)


def test_api_registers_and_grants(operator, official, login):
    api = login(operator)
    made = api.post("/api/v1/exchange/systems/", {
        "member_class": "GOV", "member_code": "000.00.00.H41", "subsystem": "DMDC",
        "name": "Danh mục dùng chung"}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert made.json()["identifier"] == "GOV/000.00.00.H41/DMDC"
    again = api.post("/api/v1/exchange/systems/", {
        "member_class": "GOV", "member_code": "000.00.00.H41", "subsystem": "DMDC",
        "name": "Lần nữa"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "duplicate"
    service = api.post("/api/v1/exchange/services/", {
        "provider": "GOV/000.00.00.H41/DMDC", "code": "catalogues", "version": "v1",
        "name": "Danh mục", "base_url": "http://127.0.0.1:9", "rate_limit": 5},
        content_type="application/json")
    assert service.status_code == 201, service.content
    key = api.post("/api/v1/exchange/credentials/", {
        "system": "GOV/000.00.00.H41/DMDC", "kind": "jwt_key", "public_key_pem": new_key()[1]},
        content_type="application/json")
    assert key.status_code == 201, key.content
    revoked = api.post(f"/api/v1/exchange/credentials/{key.json()['id']}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    grant = api.post("/api/v1/exchange/access-rights/", {
        "client": "GOV/000.00.00.H41/DMDC", "service": "GOV/000.00.00.H41/DMDC/catalogues/v1"},
        content_type="application/json")
    assert grant.status_code == 201, grant.content
    changed = api.patch(f"/api/v1/exchange/services/{service.json()['id']}/",
                        {"timeout_ms": 2500}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["timeout_ms"] == 2500
    assert api.delete(f"/api/v1/exchange/access-rights/{grant.json()['id']}/").status_code == 204
    assert login(official).get("/api/v1/exchange/systems/").status_code == 403
    assert api.get("/api/v1/exchange/systems/999999/").status_code == 404


def test_api_fills_what_the_client_left_out(operator, login):
    api = login(operator)
    made = api.post("/api/v1/exchange/systems/", {
        "member_code": "0", "name": "UBND xã", "subsystem": "0", "is_active": False},
        content_type="application/json")
    assert made.status_code == 201, made.content
    assert (made.json()["member_class"], made.json()["is_active"]) == ("GOV", False)
    service = api.post("/api/v1/exchange/services/", {
        "provider": "GOV/0/0", "code": "c", "name": "C", "base_url": "http://127.0.0.1:9",
        "is_active": False}, content_type="application/json")
    assert service.status_code == 201, service.content
    assert (service.json()["version"], service.json()["is_active"]) == ("v1", False)
