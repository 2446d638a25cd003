"""A small province (departments and communes) and catalogue helpers for the catalogue tests."""

from dataclasses import dataclass
from decimal import Decimal

import pytest

from tinhso.catalog import services
from tinhso.catalog.models import (
    Component,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.core.models import Agency, User
from tinhso.core.roles import Role
from tinhso.core.tests.factories import (
    AgencyFactory,
    CommuneAgencyFactory,
    ProvinceFactory,
    StaffFactory,
)


@dataclass
class Place:
    justice: Agency
    construction: Agency
    centre: Agency
    communes: list[Agency]
    admin: User
    officer: User


@pytest.fixture
def place(db) -> Place:
    province = ProvinceFactory()
    dept = lambda code, name: AgencyFactory(code=code, name=name, unit=province)  # noqa: E731
    justice = dept("H44.3", "Sở Tư pháp tỉnh Thử Nghiệm")
    construction = dept("H44.7", "Sở Xây dựng tỉnh Thử Nghiệm")
    centre = dept("H44.18", "Trung tâm Phục vụ hành chính công tỉnh Thử Nghiệm")
    communes = [CommuneAgencyFactory(code=f"H44.{100 + i}", unit__parent=province)
                for i in range(3)]
    admin = StaffFactory(username="quantri", agency=centre, roles=[Role.SYSTEM_ADMIN])
    officer = StaffFactory(username="motcua", agency=justice, roles=[Role.ONE_STOP_OFFICER])
    return Place(justice, construction, centre, communes, admin, officer)


def fill_draft(version: ProcedureVersion, agencies, *, shares=(10, 70, 20)) -> ProcedureVersion:
    """Give a draft everything publish asks for (written directly: it is a draft)."""
    version.processing_time = Decimal(5)
    version.save()
    version.agencies.set(agencies)
    Component.objects.create(version=version, order=0, name="Tờ khai theo mẫu")
    Component.objects.create(version=version, order=1, name="Căn cước công dân",
                             reusable_kind="CCCD")
    Fee.objects.create(version=version, name="Lệ phí", amount=8000)
    ResultType.objects.create(version=version, name="Trích lục", is_electronic=True)
    template = ProcessTemplate.objects.create(version=version, name="Quy trình chung")
    roles = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.AGENCY_LEADER, Role.ONE_STOP_OFFICER]
    ProcessStep.objects.bulk_create([
        ProcessStep(template=template, order=i, name=f"Bước {i}", role=roles[i - 1],
                    share=Decimal(share))
        for i, share in enumerate(shares, start=1)])
    return version


def published_procedure(place: Place, code="1.001193", name="Đăng ký khai sinh") -> Procedure:
    sector, _ = Sector.objects.get_or_create(code="HO_TICH", defaults={"name": "Hộ tịch"})
    procedure = services.create_procedure(place.admin, code=code, name=name, sector=sector)
    version = fill_draft(procedure.versions.get(), place.communes)
    services.publish(place.admin, version)
    procedure.refresh_from_db()
    return procedure
