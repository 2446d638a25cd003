"""The demo catalogue on the real demo province: size, shape, assignment and idempotence."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from tinhso.catalog.demo import build_document, load_demo_catalog
from tinhso.catalog.models import (
    Component,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
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


def test_demo_catalogue_is_province_sized_and_fully_published(demo):
    assert demo.procedures_created >= 300
    procedures = Procedure.objects.all()
    assert procedures.count() == demo.procedures_created
    assert Sector.objects.annotate(n=Count("procedures")).filter(n__gt=0).count() >= 15
    assert not procedures.filter(current_version__isnull=True).exists()
    current = ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
    assert current.count() == procedures.count()
    # Every current version has papers, a result and a process whose shares make 100 %.
    assert not current.annotate(n=Count("components")).filter(n=0).exists()
    assert not current.annotate(n=Count("resulttypes")).filter(n=0).exists()
    assert not current.annotate(n=Count("processes")).filter(n=0).exists()
    for template in ProcessTemplate.objects.prefetch_related("steps"):
        shares = [s.share for s in template.steps.all()]
        assert 2 <= len(shares) <= 4 and sum(shares) == 100, template


def test_real_names_codes_and_sectors(demo):
    birth = Procedure.objects.get(name="Đăng ký khai sinh")
    assert birth.code == "1.001193" and birth.sector.name == "Hộ tịch"
    assert Procedure.objects.get(code="2.000815").name.startswith(
        "Chứng thực bản sao từ bản chính")
    for name in ("Đăng ký kết hôn", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
                 "Đăng ký thành lập hộ kinh doanh"):
        assert Procedure.objects.filter(name=name).exists(), name
    assert Procedure.objects.filter(name__startswith="Cấp Phiếu lý lịch tư pháp").exists()
    sectors = set(Sector.objects.values_list("name", flat=True))
    for sector in ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Bảo trợ xã hội",
                   "Người có công", "Tài nguyên nước", "Môi trường", "Công thương",
                   "Thành lập và hoạt động doanh nghiệp"):
        assert sector in sectors
    for code in Procedure.objects.values_list("code", flat=True):
        assert code[:4] in ("1.00", "2.00") and len(code) == 8


def test_commune_procedures_serve_every_commune_and_province_ones_the_right_department(demo):
    communes = set(Agency.objects.filter(level="commune").values_list("pk", flat=True))
    assert len(communes) == 148
    birth = Procedure.objects.get(name="Đăng ký khai sinh").current_version
    assert set(birth.agencies.values_list("pk", flat=True)) == communes
    template = birth.processes.get()
    assert template.agency is None  # one process serving every commune
    criminal = Procedure.objects.get(name__startswith="Cấp Phiếu lý lịch tư pháp cho công dân")
    assert [a.name for a in criminal.current_version.agencies.all()] == [
        "Sở Tư pháp tỉnh Phú Thọ"]
    assert criminal.current_version.processes.get().agency.name == "Sở Tư pháp tỉnh Phú Thọ"
    for name, department in [
        ("Cấp giấy phép khai thác, sử dụng nước mặt", "Sở Nông nghiệp và Môi trường"),
        ("Cấp Giấy phép lái xe", "Sở Xây dựng"),
        ("Đăng ký thành lập công ty cổ phần", "Sở Tài chính"),
        ("Cấp Chứng chỉ hành nghề dược", "Sở Y tế"),
        ("Giải quyết khiếu nại lần hai", "Thanh tra"),
    ]:
        agencies = Procedure.objects.get(name=name).current_version.agencies.all()
        assert [a.name for a in agencies] == [f"{department} tỉnh Phú Thọ"], name
    # "b" procedures: every commune and the department, with one process each way.
    both = Procedure.objects.get(name="Giải quyết tố cáo").current_version
    assert both.at_commune and both.at_province and both.agencies.count() == 149
    assert both.processes.count() == 2


def test_mix_of_online_levels_time_units_results_and_reusable_papers(demo):
    versions = ProcedureVersion.objects.all()
    total = versions.count()
    levels = Counter(versions.values_list("online_level", flat=True))
    assert 0.5 < levels["full"] / total < 0.7
    assert 0.2 < levels["partial"] / total < 0.4
    units = Counter(versions.values_list("time_unit", flat=True))
    assert units["working_days"] > 0.8 * total
    assert units["working_hours"] > 0 and units["calendar_days"] > 0
    electronic = ResultType.objects.filter(is_electronic=True).count()
    assert electronic > 0.7 * ResultType.objects.count()
    assert Component.objects.filter(reusable_kind="CCCD").count() > 0.5 * total
    assert not versions.filter(publication_decision_date__isnull=True).exists()
    assert ProcessStep.objects.filter(role="one_stop_officer").exists()


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


def test_command_loads(phu_tho, capsys):
    call_command("load_demo_catalog")
    assert "procedures_created=" in capsys.readouterr().out
    assert Procedure.objects.count() >= 300
