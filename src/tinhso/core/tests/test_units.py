"""Loading the administrative units from `vietnam-provinces`, reloading, and mergers."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from vietnam_provinces import Ward

from tinhso.core.errors import ValidationFailed
from tinhso.core.models import AdministrativeUnit
from tinhso.core.text import fold
from tinhso.core.units import REFORM_DATE, load_units, record_merger

from .factories import CommuneFactory, ProvinceFactory

pytestmark = pytest.mark.django_db
Level = AdministrativeUnit.Level


def test_full_load_has_every_unit_clean_and_a_second_run_changes_nothing():
    results = load_units()
    assert (results["provinces"].created, results["communes"].created) == (34, 3321)

    units = AdministrativeUnit.objects
    assert units.filter(level=Level.PROVINCE, parent=None).count() == 34
    assert units.filter(level=Level.COMMUNE).count() == 3321
    assert units.filter(level=Level.COMMUNE, parent=None).count() == 0
    assert units.filter(parent__code="25").count() == 148
    assert units.get(code="25").name == "Phú Thọ"
    assert units.get(code="07900").name == "Phường Việt Trì"
    assert not units.filter(name__contains="  ").exists()
    assert not units.exclude(valid_from=REFORM_DATE).exists()
    rows = list(units.values_list("code", "level", "name", "search_name"))
    assert all(len(code) == (2 if level == Level.PROVINCE else 5) and code.isdigit()
               for code, level, _n, _s in rows)
    assert all(search == fold(name) for _c, _l, name, search in rows)
    assert {d for d in units.values_list("division_type", flat=True)} == {
        "tỉnh", "thành phố trung ương", "xã", "phường", "đặc khu"}

    again = load_units()
    assert [(r.created, r.updated, r.unchanged) for r in again.values()] == [
        (0, 0, 34), (0, 0, 3321)]
    assert units.count() == 3355


def test_upstream_double_spaces_are_cleaned():
    raw = next(w for w in Ward.iter_all() if w.name == "Xã  Bắc Đông Quan")
    load_units([int(raw.province_code)])
    unit = AdministrativeUnit.objects.get(code=f"{int(raw.code):05d}")
    assert unit.name == "Xã Bắc Đông Quan"
    assert unit.search_name == "xa bac dong quan"


def test_subset_load_for_one_province():
    results = load_units(["25"])
    assert results["provinces"].created == 1
    assert results["communes"].created == 148
    assert set(AdministrativeUnit.objects.filter(level=Level.PROVINCE)
               .values_list("code", flat=True)) == {"25"}
    assert load_units([25])["communes"].unchanged == 148  # an int code works too


def test_reload_repairs_upstream_fields_and_keeps_merger_data():
    load_units(["25"])
    units = AdministrativeUnit.objects
    units.filter(code="07900").update(name="Sai tên", search_name="sai ten", parent=None)
    merged, into = units.get(code="04792"), units.get(code="04795")
    record_merger([merged], into, date(2026, 1, 1))

    results = load_units(["25"])
    assert (results["communes"].created, results["communes"].updated) == (0, 1)
    viet_tri = units.get(code="07900")
    assert (viet_tri.name, viet_tri.search_name, viet_tri.parent.code) == (
        "Phường Việt Trì", "phuong viet tri", "25")
    merged.refresh_from_db()
    assert (merged.valid_to, merged.successor_id) == (date(2025, 12, 31), into.pk)


def test_load_units_command_reports_counts():
    out = StringIO()
    call_command("load_units", "--province", "25", stdout=out)
    assert "Xã/phường/đặc khu: tạo mới 148, cập nhật 0, không đổi 0" in out.getvalue()
    out = StringIO()
    call_command("load_units", "--province", "25", stdout=out)
    assert "Xã/phường/đặc khu: tạo mới 0, cập nhật 0, không đổi 148" in out.getvalue()


# --- Mergers.


def test_merger_sets_validity_and_current_follows_the_chain():
    province = ProvinceFactory()
    a, b, c, d = CommuneFactory.create_batch(4, parent=province)
    assert record_merger([a, b], c, date(2026, 1, 1)) == 2
    a.refresh_from_db()
    assert a.valid_to == date(2025, 12, 31)
    assert a.successor == c
    assert a.current() == c
    assert c.current() == c

    record_merger([c], d, date(2026, 7, 1))
    for unit in (a, b, c):
        unit.refresh_from_db()
        assert unit.current() == d
    assert set(d.predecessors.all()) == {c}
    assert AdministrativeUnit.objects.filter(valid_to__isnull=True, parent=province).get() == d


def test_recording_the_same_merger_twice_is_harmless():
    a, into = CommuneFactory.create_batch(2)
    record_merger([a], into, date(2026, 1, 1))
    record_merger([a], into, date(2026, 1, 1))
    a.refresh_from_db()
    assert a.successor == into


@pytest.mark.parametrize("case", ["self", "cycle", "level", "date", "other", "expired"])
def test_merger_rejects_what_cannot_be(case):
    province = ProvinceFactory()
    a, b, c = CommuneFactory.create_batch(3, parent=province)
    on = date(2026, 1, 1)
    if case == "self":
        args, code = ([a, b], a, on), "merger_cycle"
    elif case == "cycle":
        record_merger([a], b, on)
        a.refresh_from_db()
        args, code = ([b], a, date(2026, 2, 1)), "merger_cycle"
    elif case == "level":
        args, code = ([a], province, on), "merger_level"
    elif case == "date":
        args, code = ([a], b, REFORM_DATE), "merger_date"
    elif case == "other":
        record_merger([a], b, on)
        a.refresh_from_db()
        args, code = ([a], c, on), "already_merged"
    else:
        record_merger([b], c, on)
        b.refresh_from_db()
        args, code = ([a], b, on), "merger_into_expired"
    with pytest.raises(ValidationFailed) as error:
        record_merger(*args)
    assert error.value.code == code
    assert AdministrativeUnit.objects.filter(successor__isnull=False).count() == (
        1 if case in ("cycle", "other", "expired") else 0)
