"""The operator's pages under /lgsp/: only a system administrator gets in; each change goes
through exchange.services (audited), a refused form says why in Vietnamese and saves nothing;
the message log pages by seq without counting the table."""

from datetime import timedelta

import jwt
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.core.models import AuditEntry
from tinhso.exchange import catalogue_soap, services
from tinhso.exchange.assertions import assertion
from tinhso.exchange.models import AccessRight, ClientCredential, MemberSystem, MessageRecord

from .conftest import new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(operator, login):
    return login(operator)


def test_only_a_system_administrator_gets_in(operator, official, citizen, login, client):
    for path in ("/lgsp/", "/lgsp/log/", "/lgsp/systems/new/"):
        assert client.get(path)["Location"].startswith("/login/"), path
        refused = login(official).get(path, follow=True)
        assert refused.redirect_chain[0][0].startswith("/login/")
        assert "dành cho quản trị hệ thống" in refused.content.decode()
        assert login(citizen).get(path)["Location"].startswith("/login/")
        assert login(operator).get(path).status_code == 200, path
    assert login(official).post("/lgsp/systems/new/", {
        "member_class": "GOV", "member_code": "X", "subsystem": "Y", "name": "Z"}).status_code \
        == 302
    assert not MemberSystem.objects.exists()


def test_register_a_system_then_edit_it(operator, page):
    answer = page.post("/lgsp/systems/new/", {"member_class": "GOV", "member_code": "bad code",
                                              "subsystem": "", "name": ""})
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "Trường này là bắt buộc." in text and "Chỉ gồm chữ cái không dấu" in text
    assert not MemberSystem.objects.exists()
    data = {"member_class": "GOV", "member_code": "000.00.00.H41", "subsystem": "DMDC",
            "name": "Danh mục dùng chung"}
    answer = page.post("/lgsp/systems/new/", data)
    system = MemberSystem.objects.get()
    assert answer["Location"] == f"/lgsp/systems/{system.pk}/"
    assert AuditEntry.objects.filter(action="exchange.system.registered",
                                     actor=operator).count() == 1
    again = page.post("/lgsp/systems/new/", data)
    assert again.status_code == 400 and "đã được đăng ký" in again.content.decode()
    assert MemberSystem.objects.count() == 1
    page.post(f"/lgsp/systems/{system.pk}/", {"edit-name": "Danh mục tỉnh"})
    system.refresh_from_db()
    assert (system.name, system.is_active) == ("Danh mục tỉnh", False)
    assert AuditEntry.objects.filter(action="exchange.system.updated").count() == 1


def test_register_services_rest_and_soap(operator, page):
    system = services.register_system(operator, member_class="GOV", member_code="H41",
                                      subsystem="DMDC", name="Danh mục")
    url = f"/lgsp/systems/{system.pk}/services/new/"
    soap = {"code": "units-soap", "version": "v1", "name": "Đơn vị (SOAP)",
            "protocol": "SOAP", "rest_exposure": "on", "description": "không phải WSDL",
            "base_url": "http://127.0.0.1:8220/soap/units", "timeout_ms": "5000",
            "rate_limit": "50", "burst": "100"}
    answer = page.post(url, soap)
    assert answer.status_code == 400
    assert "WSDL không phải XML hợp lệ" in answer.content.decode()
    assert not system.services.exists()
    answer = page.post(url, {**soap, "timeout_ms": "1"})
    assert answer.status_code == 400 and not system.services.exists()
    soap["description"] = catalogue_soap.wsdl(soap["base_url"])
    answer = page.post(url, soap)
    service = system.services.get()
    assert answer["Location"] == f"/lgsp/services/{service.pk}/"
    assert (service.protocol, service.rest_exposure, service.timeout_ms) == ("SOAP", True, 5000)
    assert AuditEntry.objects.filter(action="exchange.service.registered").count() == 1
    edit = page.post(f"/lgsp/services/{service.pk}/edit/", {
        **soap, "name": "Đơn vị hành chính (SOAP)", "burst": "300"})
    assert edit.status_code == 302
    service.refresh_from_db()
    assert (service.name, service.burst) == ("Đơn vị hành chính (SOAP)", 300)
    page.post(f"/lgsp/services/{service.pk}/active/", {"active": "0"})
    service.refresh_from_db()
    assert service.is_active is False
    assert "Đã ngừng" in page.get(f"/lgsp/services/{service.pk}/").content.decode()


def test_keys_and_rights(operator, page):
    client = services.register_system(operator, member_class="GOV", member_code="H41",
                                      subsystem="MOTCUA", name="Một cửa")
    provider = services.register_system(operator, member_class="GOV", member_code="H41",
                                        subsystem="DMDC", name="Danh mục")
    service = services.register_service(operator, provider=provider, code="catalogues",
                                        name="Danh mục", base_url="http://127.0.0.1:8220")
    refused = page.post(f"/lgsp/systems/{client.pk}/keys/", {"key-public_key_pem": "abc"})
    assert refused.status_code == 400
    assert "Khóa công khai không đọc được" in refused.content.decode()
    assert not ClientCredential.objects.exists()
    private, pem = new_key()
    page.post(f"/lgsp/systems/{client.pk}/keys/", {"key-public_key_pem": pem})
    key = ClientCredential.objects.get()
    # The key is listed by the kid its client's assertions carry (and refusals quote).
    kid = jwt.get_unverified_header(assertion(client.identifier, private))["kid"]
    assert f"kid <code class=\"text-break\">{kid}</code>" in page.get(
        f"/lgsp/systems/{client.pk}/").content.decode()
    page.post(f"/lgsp/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None

    grant = {"grant-client": client.identifier, "grant-method": "GET",
             "grant-path_prefix": "units"}
    refused = page.post(f"/lgsp/services/{service.pk}/grant/", grant)
    assert refused.status_code == 400 and "phải bắt đầu bằng /" in refused.content.decode()
    page.post(f"/lgsp/services/{service.pk}/grant/", {**grant, "grant-path_prefix": "/units"})
    right = AccessRight.objects.get()
    assert (right.client, right.method, right.path_prefix) == (client, "GET", "/units")
    page.post(f"/lgsp/rights/{right.pk}/revoke/")
    assert not AccessRight.objects.exists()
    assert AuditEntry.objects.filter(action__in=[
        "exchange.credential.added", "exchange.credential.revoked", "exchange.access.granted",
        "exchange.access.revoked"]).count() == 4


def _records(n):
    at = timezone.now() - timedelta(days=1)
    MessageRecord.objects.bulk_create(MessageRecord(
        seq=i, exchange_id=f"x{i}", client="GOV/H41/MOTCUA" if i % 2 else "GOV/H41/KHAC",
        service="GOV/H41/DMDC/catalogues/v1", method="GET", path="/r1/...",
        started_at=at + timedelta(seconds=i), ended_at=at + timedelta(seconds=i),
        status=200 if i % 10 else 403, outcome="ok" if i % 10 else "access_denied",
        reason="" if i % 10 else "Hệ thống khách chưa được cấp quyền gọi dịch vụ này.",
        request_digest="0" * 64, response_digest="0" * 64, prev_hash="0" * 64, hash="0" * 64)
        for i in range(1, n + 1))


def _seqs(answer) -> list[int]:
    return [r.seq for r in answer.context["page"].records]


def test_the_log_pages_by_seq_and_filters(page):
    _records(60)
    with CaptureQueriesContext(connection) as queries:
        first = page.get("/lgsp/log/")
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert _seqs(first) == list(range(60, 35, -1))
    assert first.context["page"].newer is None and first.context["page"].older == 36
    second = page.get("/lgsp/log/?before=36")
    assert _seqs(second) == list(range(35, 10, -1))
    last = page.get("/lgsp/log/?before=11")
    assert _seqs(last) == list(range(10, 0, -1)) and last.context["page"].older is None
    back = page.get(f"/lgsp/log/?after={last.context['page'].newer}")
    assert _seqs(back) == _seqs(second)

    refused = page.get("/lgsp/log/?outcome=refused")
    assert _seqs(refused) == [60, 50, 40, 30, 20, 10]
    assert "chưa được cấp quyền" in refused.content.decode()
    assert '<div class="small fw-semibold">Chưa được cấp quyền</div>' in \
        refused.content.decode()  # the code's label beside the code
    one = page.get("/lgsp/log/?client=GOV/H41/MOTCUA&outcome=ok")
    assert all(s % 2 for s in _seqs(one)) and _seqs(one)[0] == 59
    today = timezone.localdate()
    assert _seqs(page.get(f"/lgsp/log/?since={today}")) == []
    wrong = page.get(f"/lgsp/log/?since={today}&until={today - timedelta(days=3)}")
    assert wrong.status_code == 400 and "Ngày kết thúc phải sau" in wrong.content.decode()


def test_the_staff_page_leads_the_operator_only_to_the_lgsp(operator, official, login):
    assert 'href="/lgsp/"' in login(operator).get("/staff/").content.decode()
    assert 'href="/lgsp/"' not in login(official).get("/staff/").content.decode()
