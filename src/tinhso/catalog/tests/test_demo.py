"""The demo catalogue: the national database's real procedures on the real demo province."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from tinhso.catalog.demo import build_document, load_demo_catalog
from tinhso.catalog.models import (
    Procedure,
    ProcedureVersion,
    ProcessTemplate,
    Sector,
)
from tinhso.catalog.services import SYSTEM
from tinhso.core.demo import load_demo_province
from tinhso.core.models import Agency
from tinhso.core.units import load_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def phu_tho(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_units(["25"])
    load_demo_province()


@pytest.fixture
def demo(phu_tho):
    return load_demo_catalog(SYSTEM)


def test_at_least_1500_real_procedures_are_published_and_only_unplaceable_ones_are_left(demo):
    assert demo.procedures_created >= 1500
    procedures = Procedure.objects.all()
    assert procedures.count() == demo.procedures_created
    assert not procedures.filter(current_version__isnull=True).exists()
    # Nothing is refused for the model's limits: only a body the demo province lacks.
    assert {(p["field"], p["message"]) for p in demo.problems} <= {
        ("version.agencies", "Không được để trống.")}
    assert Sector.objects.annotate(n=Count("procedures")).filter(n__gt=0).count() >= 30
    current = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    assert not current.annotate(n=Count("resulttypes")).filter(n=0).exists()
    assert not current.annotate(n=Count("processes")).filter(n=0).exists()
    for template in ProcessTemplate.objects.prefetch_related("steps")[:300]:
        assert sum(s.share for s in template.steps.all()) == 100, template


def test_residence_registration_is_the_commune_polices_with_its_cases_and_channel_fees(demo):
    version = Procedure.objects.get(code="1.004222").current_version
    police = set(Agency.objects.filter(parent__code="H44.16").values_list("pk", flat=True))
    assert set(version.agencies.values_list("pk", flat=True)) == police
    assert version.procedurecases.count() >= 2
    fees = {(f.channel, f.amount) for f in version.fees.all()}
    assert ("online", 10000) in fees and ("desk", 20000) in fees
    times = {(t.channel, t.processing_time, t.time_unit) for t in version.channeltimes.all()}
    assert ("online", 7, "working_days") in times


def test_real_catalogue_shapes_are_all_present(demo):
    versions = ProcedureVersion.objects.all()
    assert versions.filter(procedurecases__isnull=False).distinct().count() > 100
    assert versions.filter(at_province=True).count() > 500
    assert versions.filter(at_commune=True).count() > 200
    assert versions.filter(processing_time__isnull=True).exists()  # stated nowhere, not made up
    assert versions.filter(online_level="full").count() > 300


def test_loading_twice_changes_nothing_and_the_document_is_stable(demo):
    versions = ProcedureVersion.objects.count()
    again = load_demo_catalog(SYSTEM)
    assert again.unchanged == demo.procedures_created
    assert again.versions_created == again.procedures_created == 0
    assert ProcedureVersion.objects.count() == versions
    first, second = build_document(), build_document()
    assert [p.row.data for p in first.procedures] == [p.row.data for p in second.procedures]


def test_command_refuses_without_agencies(db):
    with pytest.raises(CommandError, match="load_demo_province"):
        call_command("load_demo_catalog")


def test_command_prints_the_totals_and_writes_the_details(phu_tho, capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("load_demo_catalog")
    out = capsys.readouterr().out
    assert "thủ tục mới" in out and str(tmp_path / "demo-catalog-report.txt") in out
    assert (tmp_path / "demo-catalog-report.txt").read_text(encoding="utf-8").startswith(
        "Nhập danh mục từ procedures.json.xz")


def test_a_national_file_naming_no_agency_is_placed_by_its_published_body(phu_tho, tmp_path):
    """The national database names bodies, not a province's agencies: `--place` finds them
    among the province's own, and a body it has none for is still refused by its code."""
    from .docs import document

    doc = document([], count=3)
    bodies = [("Công an cấp xã", False, True), ("Sở Kế hoạch và Đầu tư", True, False),
              ("Bộ Ngoại giao", True, False)]
    for proc, (body, province, commune) in zip(doc["procedures"], bodies, strict=True):
        proc["version"].update(implementing_body=body, at_province=province,
                               at_commune=commune)
    path = tmp_path / "quoc-gia.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError):  # without --place every one has an empty agency list
        call_command("import_catalog", str(path), "--report", str(tmp_path / "a.txt"),
                     stdout=io.StringIO())
    assert not Procedure.objects.exists()

    out = io.StringIO()
    with pytest.raises(CommandError, match="1 thủ tục bị từ chối"):
        call_command("import_catalog", str(path), "--place", "--report",
                     str(tmp_path / "b.txt"), stdout=out)
    assert "cho 2 thủ tục" in out.getvalue()
    police = Procedure.objects.get(code="1.001000").current_version.agencies.all()
    assert police.count() == Agency.objects.filter(level=Agency.Level.COMMUNE,
                                                   name__startswith="Công an").count() > 100
    finance = Procedure.objects.get(code="1.001001").current_version.agencies.get()
    assert finance.name.startswith("Sở Tài chính")  # the department merged in 2025
    assert not Procedure.objects.filter(code="1.001002").exists()
    assert "1.001002" in (tmp_path / "b.txt").read_text(encoding="utf-8")
