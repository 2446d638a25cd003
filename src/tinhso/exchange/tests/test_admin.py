"""The operator's admin pages: registration goes through the services (audited); others see
nothing; the message log is read-only."""

import pytest

from tinhso.core.models import AuditEntry
from tinhso.exchange.models import MemberSystem

pytestmark = pytest.mark.django_db


def test_operator_registers_a_system_in_the_admin(operator, login):
    operator.is_staff = True  # the admin's own gate
    operator.save()
    admin = login(operator)
    for page in ("membersystem", "service", "clientcredential", "accessright",
                 "messagerecord", "logbatch"):
        assert admin.get(f"/admin/exchange/{page}/").status_code == 200, page
    answer = admin.post("/admin/exchange/membersystem/add/", {
        "member_class": "GOV", "member_code": "000.00.00.H41", "subsystem": "DMDC",
        "name": "Danh mục dùng chung", "is_active": "on"})
    assert answer.status_code == 302, answer.content[:500]
    system = MemberSystem.objects.get()
    assert system.identifier == "GOV/000.00.00.H41/DMDC"
    assert AuditEntry.objects.filter(action="exchange.system.registered",
                                     actor=operator).exists()
    assert admin.get("/admin/exchange/messagerecord/add/").status_code == 403


def test_an_official_sees_no_lgsp_admin(official, login):
    official.is_staff = True
    official.save()
    assert login(official).get("/admin/exchange/membersystem/").status_code == 403
