"""The demo province Phú Thọ: agencies, one-stop desks and staff accounts."""

from io import StringIO

import pytest
from django.core.management import call_command

from tinhso.core.demo import DEFAULT_DEMO_PASSWORD, PHU_THO, load_demo_province
from tinhso.core.errors import ValidationFailed
from tinhso.core.models import (
    AdministrativeUnit,
    Agency,
    AuditEntry,
    OneStopDesk,
    User,
    UserRole,
    agency_code_validator,
)
from tinhso.core.roles import Role
from tinhso.core.units import load_units

pytestmark = pytest.mark.django_db

STAFF_ROLES = {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER}


@pytest.fixture
def fast_hasher(settings):
    # Argon2 costs ~0.5 s a hash here; the tests that are about hashing keep it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def phu_tho(monkeypatch, fast_hasher):
    monkeypatch.delenv("TINHSO_DEMO_PASSWORD", raising=False)
    load_units(["25"])
    return load_demo_province()


def test_agencies_have_valid_codes_and_the_expected_tree(phu_tho):
    # The committee, 25 provincial bodies, 148 communes' committees and their police.
    assert (phu_tho.agencies_created, phu_tho.agencies_updated) == (322, 0)
    assert Agency.objects.count() == 1 + 25 + 148 + 148
    for code in Agency.objects.values_list("code", flat=True):
        agency_code_validator(code)  # raises on a malformed code

    root = Agency.objects.get(code="H44")
    assert root.name == "Ủy ban nhân dân tỉnh Phú Thọ"
    assert (root.parent, root.unit.code, root.level) == (None, "25", Agency.Level.PROVINCE)
    departments = Agency.objects.filter(parent=root, level=Agency.Level.PROVINCE)
    assert sorted(departments.values_list("code", flat=True)) == [
        f"H44.{n:02d}" for n in range(1, 26)]
    assert set(departments.values_list("unit__code", flat=True)) == {"25"}
    names = set(departments.values_list("name", flat=True))
    for expected in ("Sở Tư pháp", "Sở Xây dựng", "Sở Nông nghiệp và Môi trường", "Sở Y tế",
                     "Sở Văn hóa, Thể thao và Du lịch", "Thanh tra", "Công an",
                     "Trung tâm Phục vụ hành chính công", "Ban Quản lý các khu công nghiệp",
                     "Thuế", "Bảo hiểm xã hội"):
        assert f"{expected} tỉnh Phú Thọ" in names
    police = Agency.objects.filter(parent__code="H44.16")
    assert police.count() == 148 and set(police.values_list("level", flat=True)) == {"commune"}
    viet_tri = police.get(unit__code="07900")
    assert (viet_tri.code, viet_tri.name) == ("H44.16.147", "Công an phường Việt Trì")


def test_every_commune_has_a_committee_with_a_desk_numbered_in_ward_order(phu_tho):
    communes = list(AdministrativeUnit.objects.filter(parent__code="25").order_by("code"))
    committees = {a.unit_id: a for a in Agency.objects.filter(
        level=Agency.Level.COMMUNE, parent__code="H44").prefetch_related("desks")}
    assert len(communes) == len(committees) == 148
    assert [committees[u.pk].code for u in communes] == [f"H44.{n}" for n in range(100, 248)]
    for unit in communes:
        agency = committees[unit.pk]
        assert agency.parent.code == "H44"
        assert agency.name.lower() == f"ủy ban nhân dân {unit.name.lower()}"
        assert [d.name for d in agency.desks.all()] == [
            f"Bộ phận một cửa {unit.name[0].lower()}{unit.name[1:]}"]
    viet_tri = Agency.objects.get(unit__code="07900", parent__code="H44")
    assert viet_tri.name == "Ủy ban nhân dân phường Việt Trì"
    assert viet_tri.search_name == "uy ban nhan dan phuong viet tri"

    centre = Agency.objects.get(code="H44.18")
    assert list(centre.desks.values_list("name", flat=True)) == ["Bộ phận một cửa tỉnh Phú Thọ"]
    assert OneStopDesk.objects.count() == 149


def test_demo_accounts_and_roles(phu_tho):
    accounts = {row.username: row for row in phu_tho.accounts}
    assert len(accounts) == len(PHU_THO.accounts) == 18
    assert all(row.created and row.password == DEFAULT_DEMO_PASSWORD for row in accounts.values())
    for slug, agency in [("sotuphap", "Sở Tư pháp tỉnh Phú Thọ"),
                         ("soxaydung", "Sở Xây dựng tỉnh Phú Thọ"),
                         ("vietri", "Ủy ban nhân dân phường Việt Trì"),
                         ("phuninh", "Ủy ban nhân dân xã Phù Ninh")]:
        staff = User.objects.filter(username__endswith=f".{slug}")
        assert set(staff.values_list("agency__name", flat=True)) == {agency}
        assert set(UserRole.objects.filter(user__in=staff).values_list("role", flat=True)) == (
            STAFF_ROLES)
    officer = User.objects.get(username="motcua.sotuphap")
    assert officer.role_codes == {Role.ONE_STOP_OFFICER}
    assert officer.check_password(DEFAULT_DEMO_PASSWORD)
    assert not (officer.is_staff or officer.is_superuser or officer.is_province_wide)

    supervisor = User.objects.get(username="giamsat.tinh")
    assert supervisor.is_province_wide and not supervisor.is_superuser
    admin = User.objects.get(username="quantri.hethong")
    assert admin.is_staff and admin.is_superuser and admin.has_role(Role.SYSTEM_ADMIN)
    assert User.objects.filter(is_superuser=True).count() == 1
    entry = AuditEntry.objects.get(action="demo.accounts_loaded")
    assert entry.data["created"]["quantri.hethong"] == Role.SYSTEM_ADMIN


def test_second_run_changes_nothing_and_keeps_changed_passwords(phu_tho):
    officer = User.objects.get(username="motcua.vietri")
    officer.set_password("mat-khau-rieng-2026")
    officer.save()
    counts = (Agency.objects.count(), OneStopDesk.objects.count(), User.objects.count(),
              UserRole.objects.count())

    again = load_demo_province()
    assert (again.agencies_created, again.agencies_updated, again.desks_created,
            again.accounts_created) == (0, 0, 0, 0)
    assert again.agencies_unchanged == 322
    assert (Agency.objects.count(), OneStopDesk.objects.count(), User.objects.count(),
            UserRole.objects.count()) == counts
    assert AuditEntry.objects.filter(action="demo.accounts_loaded").count() == 1
    officer.refresh_from_db()
    assert officer.check_password("mat-khau-rieng-2026")

    load_demo_province(password="mot-mat-khau-khac", reset_passwords=True)
    officer.refresh_from_db()
    assert officer.check_password("mot-mat-khau-khac")


def test_a_commune_added_later_gets_the_next_code_and_others_keep_theirs(phu_tho):
    province = AdministrativeUnit.objects.get(code="25")
    AdministrativeUnit.objects.create(
        code="00001", name="Xã Mới Lập", level="commune", division_type="xã",
        codename="xa_moi_lap", parent=province, valid_from=province.valid_from)
    result = load_demo_province()
    assert (result.agencies_created, result.desks_created) == (2, 1)  # committee and police
    assert Agency.objects.get(unit__code="00001", parent__code="H44").code == "H44.248"
    assert Agency.objects.get(unit__code="00001", parent__code="H44.16").code == "H44.16.248"
    assert Agency.objects.get(unit__code="04792", parent__code="H44").code == "H44.100"


def test_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("TINHSO_DEMO_PASSWORD", "mat-khau-demo-rieng")
    load_units(["25"])
    result = load_demo_province()
    assert {row.password for row in result.accounts} == {"mat-khau-demo-rieng"}
    assert User.objects.get(username="lanhdao.soxaydung").check_password("mat-khau-demo-rieng")


def test_demo_passwords_are_hashed_with_argon2(monkeypatch):
    monkeypatch.delenv("TINHSO_DEMO_PASSWORD", raising=False)
    load_units(["25"])
    load_demo_province()
    user = User.objects.get(username="quantri.hethong")
    assert user.password.startswith("argon2$")
    assert user.check_password(DEFAULT_DEMO_PASSWORD)


def test_loader_needs_the_units():
    with pytest.raises(ValidationFailed) as error:
        load_demo_province()
    assert error.value.code == "no_units"
    assert not Agency.objects.exists()


def test_command_loads_units_when_missing_and_prints_the_accounts(monkeypatch):
    monkeypatch.delenv("TINHSO_DEMO_PASSWORD", raising=False)
    out = StringIO()
    call_command("load_demo_province", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Đã nạp 3355 đơn vị hành chính." in text
    assert "Cơ quan: tạo mới 322" in text
    line = next(s for s in text.splitlines() if s.startswith("quantri.hethong "))
    assert "Quản trị hệ thống" in line and DEFAULT_DEMO_PASSWORD in line
    assert AdministrativeUnit.objects.count() == 3355

    out = StringIO()
    call_command("load_demo_province", stdout=out, stderr=StringIO())
    assert "Chưa có đơn vị hành chính" not in out.getvalue()
    assert "Cơ quan: tạo mới 0, cập nhật 0, không đổi 322" in out.getvalue()
    assert "(giữ nguyên)" in out.getvalue()
