"""The Django admin: Vietnamese, our models registered, the audit log read-only, OTP for
privileged users."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tinhso.core import audit
from tinhso.core.models import (
    AdministrativeUnit,
    Agency,
    AuditEntry,
    CalendarOverride,
    OneStopDesk,
    User,
    UserRole,
)
from tinhso.core.roles import Role
from tinhso.core.tests.factories import AgencyFactory, ProvinceFactory, StaffFactory


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("quantri", "qt@example.vn", "Mật-khẩu-quản-trị-9")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.mark.django_db
def test_admin_index_is_vietnamese_and_lists_our_models(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Quản trị Tỉnh số" in html
    assert "Thoát" in html and "Đổi mật khẩu" in html  # Django's own Vietnamese strings
    for model in (AdministrativeUnit, Agency, User, CalendarOverride, AuditEntry):
        url = reverse(f"admin:core_{model._meta.model_name}_changelist")
        assert url in html
        assert admin_client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_audit_entries_can_be_read_but_never_added_changed_or_deleted(admin_client):
    entry = audit.record("test.action", target=("core.thing", 1), data={"a": 1})
    change_url = reverse("admin:core_auditentry_change", args=[entry.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # a read-only view

    assert admin_client.post(change_url, {"action": "forged"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditentry_add")).status_code == 403
    delete_url = reverse("admin:core_auditentry_delete", args=[entry.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    changelist = admin_client.get(reverse("admin:core_auditentry_changelist"))
    assert "delete_selected" not in changelist.content.decode()
    # Still exactly what was written, and the chain verifies.
    entry.refresh_from_db()
    assert entry.action == "test.action"
    assert audit.verify() == []


@pytest.mark.django_db
def test_audit_changelist_filters_by_action(admin_client):
    audit.record("test.alpha")
    audit.record("test.beta")
    url = reverse("admin:core_auditentry_changelist")
    html = admin_client.get(url, {"action": "test.beta"}).content.decode()
    assert "test.beta" in html
    table = html.split('id="result_list"')[1].split("</table>")[0]
    assert "test.beta" in table and "test.alpha" not in table


@pytest.mark.django_db
def test_agency_is_created_with_a_one_stop_desk_inline(admin_client):
    unit = ProvinceFactory()
    response = admin_client.post(reverse("admin:core_agency_add"), {
        "code": "Z77.1", "name": "Sở Tư pháp", "short_name": "STP", "level": "province",
        "unit": unit.pk, "address": "", "is_active": "on",
        "desks-TOTAL_FORMS": "1", "desks-INITIAL_FORMS": "0",
        "desks-MIN_NUM_FORMS": "0", "desks-MAX_NUM_FORMS": "1000",
        "desks-0-name": "Bộ phận một cửa Sở Tư pháp", "desks-0-address": "Số 1 đường Thử",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    agency = Agency.objects.get(code="Z77.1")
    assert list(OneStopDesk.objects.filter(agency=agency).values_list("name", flat=True)) == [
        "Bộ phận một cửa Sở Tư pháp"
    ]


@pytest.mark.django_db
def test_search_ignores_diacritics(admin_client):
    AgencyFactory(name="Sở Tư pháp")
    AgencyFactory(name="Sở Y tế")
    html = admin_client.get(reverse("admin:core_agency_changelist"), {"q": "so tu phap"})
    text = html.content.decode()
    assert "Sở Tư pháp" in text and "Sở Y tế" not in text


@pytest.mark.django_db
def test_user_admin_shows_staff_fields_and_grants_a_role_inline(admin_client):
    officer = StaffFactory(full_name="Phạm Thị Cán Bộ", phone="0912345678")
    url = reverse("admin:core_user_change", args=[officer.pk])
    page = admin_client.get(url)
    html = page.content.decode()
    for field in ("full_name", "agency", "phone", "personal_id"):
        assert f'name="{field}"' in html, field
    assert 'name="roles-TOTAL_FORMS"' in html
    assert admin_client.get(reverse("admin:core_user_add")).status_code == 200

    data = {
        "username": officer.username, "full_name": officer.full_name,
        "agency": officer.agency_id, "email": "", "phone": officer.phone,
        "personal_id": "001099012345", "is_active": "on",
        "last_login_0": "", "last_login_1": "",
        "date_joined_0": "01/07/2025", "date_joined_1": "08:00:00",
        "roles-TOTAL_FORMS": "1", "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0", "roles-MAX_NUM_FORMS": "1000",
        "roles-0-role": Role.DIVISION_HEAD, "roles-0-user": officer.pk,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors, response.context["inline_admin_formsets"]
        and [f.formset.errors for f in response.context["inline_admin_formsets"]])
    officer.refresh_from_db()
    assert officer.personal_id == "001099012345"
    assert list(UserRole.objects.filter(user=officer).values_list("role", flat=True)) == [
        Role.DIVISION_HEAD
    ]
    assert AuditEntry.objects.filter(action="role.granted").exists()


# --- OTP in front of the admin.


@pytest.mark.django_db
def test_privileged_admin_must_verify_before_the_admin_opens(admin_client, superuser, settings):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = True
    # The admin site's own guard, without the site-wide middleware in front of it.
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("PrivilegedOTPMiddleware")
    ]
    index = reverse("admin:index")
    first = admin_client.get(index)
    assert first.status_code == 302
    second = admin_client.get(first["Location"])  # the admin's log-in page ...
    assert second.status_code == 302
    assert second["Location"] == f"{reverse('core:otp')}?next=%2Fadmin%2F"  # ... sends to OTP
    assert admin_client.get(reverse("admin:core_auditentry_changelist")).status_code == 302

    device = TOTPDevice.objects.create(user=superuser, name="app", confirmed=True)
    code = f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"
    response = admin_client.post(reverse("core:otp"), {"token": code, "next": index})
    assert response["Location"] == index
    assert admin_client.get(index).status_code == 200


@pytest.mark.django_db
def test_admin_opens_without_otp_when_the_setting_is_off(admin_client, settings):
    settings.TINHSO_REQUIRE_OTP_FOR_PRIVILEGED = False
    assert admin_client.get(reverse("admin:index")).status_code == 200
