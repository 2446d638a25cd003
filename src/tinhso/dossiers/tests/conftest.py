"""A small province for dossier tests, reusable by every test module of the app.

`province` builds: the province unit, its People's Committee (H44), two departments (H44.07
the home agency, H44.08 another), a commune committee (H44.100); a published procedure
(5 working days, full online, two required components and an optional one, two fees, one
result, a 3-step process); staff with each role at the home agency, an officer and a
specialist of the other agency, a province supervisor, and two citizens.
`make_dossier(status)` drives a dossier to any status through the lifecycle services.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tinhso.catalog.models import (
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.catalog.services import SYSTEM, publish
from tinhso.core.models import AdministrativeUnit, Agency, User, UserRole
from tinhso.core.roles import Role
from tinhso.core.timeunits import TimeUnit
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput, ResultInput
from tinhso.dossiers.models import ApplicantKind, Channel, Dossier, Status

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CITIZEN_ID = "025095001234"  # Phú Thọ (025), male born 1995
OTHER_CITIZEN_ID = "001301004321"  # Hà Nội (001), female born 2001
FEES = (50_000, 20_000)


def at(y, m, d, hh=0, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=VN)


# Friday 13 Feb 2026, the working day before Tết: 5 working days from 10:00 → 27 Feb 10:00.
SUBMITTED_AT = at(2026, 2, 13, 9)
RECEIVED_AT = at(2026, 2, 13, 10)


@dataclass
class Province:
    unit: AdministrativeUnit
    committee: Agency
    agency: Agency
    other_agency: Agency
    commune: Agency
    procedure: Procedure
    version: ProcedureVersion
    form: Component
    id_copy: Component
    photo: Component
    steps: list[ProcessStep]
    officer: User
    specialist: User
    division_head: User
    leader: User
    other_officer: User
    other_specialist: User
    supervisor: User
    citizen: User
    other_citizen: User

    def staff_for(self, role: str) -> User:
        return {Role.ONE_STOP_OFFICER: self.officer, Role.SPECIALIST: self.specialist,
                Role.DIVISION_HEAD: self.division_head,
                Role.AGENCY_LEADER: self.leader}[role]


def make_user(username, *, agency=None, roles=(), personal_id=None, full_name="") -> User:
    user = User.objects.create_user(username, password=None, agency=agency,
                                    personal_id=personal_id, full_name=full_name or username)
    UserRole.objects.bulk_create([UserRole(user=user, role=r) for r in roles])
    return user


def make_procedure(agencies, *, code="1.001234", name="Cấp bản sao trích lục hộ tịch",
                   processing_time=5, time_unit=TimeUnit.WORKING_DAYS,
                   online_level=OnlineLevel.FULL, shares=(40, 30, 30)) -> Procedure:
    """A published procedure: components form, id copy (reusable), photo (optional)."""
    sector, _ = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure = Procedure.objects.create(code=code, name=name, sector=sector)
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, processing_time=Decimal(processing_time),
        time_unit=time_unit, online_level=online_level, at_province=True, at_commune=True)
    version.agencies.set(agencies)
    Component.objects.create(version=version, order=1, name="Tờ khai theo mẫu")
    Component.objects.create(version=version, order=2, name="Bản sao căn cước",
                             reusable_kind="cccd")
    Component.objects.create(version=version, order=3, name="Ảnh chân dung", is_required=False)
    for order, amount in enumerate(FEES, 1):
        Fee.objects.create(version=version, order=order, name=f"Phí {order}", amount=amount)
    ResultType.objects.create(version=version, name="Bản sao trích lục", is_electronic=True)
    template = ProcessTemplate.objects.create(version=version, name="Quy trình chung")
    roles = (Role.SPECIALIST, Role.DIVISION_HEAD, Role.AGENCY_LEADER)
    for order, (share, role) in enumerate(zip(shares, roles, strict=False), 1):
        ProcessStep.objects.create(template=template, order=order, name=f"Bước {order}",
                                   role=role, share=Decimal(share))
    publish(SYSTEM, version)
    procedure.refresh_from_db()
    return procedure


# The province's leader as the signing tests' PKI names him (username, name, agency).
LEADER = ("giamdoc", "giamdoc", "H44.07", "Sở Tư pháp")


@pytest.fixture
def province(db) -> Province:
    unit = AdministrativeUnit.objects.create(
        code="25", name="Tỉnh Phú Thọ", level=AdministrativeUnit.Level.PROVINCE,
        division_type="tỉnh", codename="phu_tho", valid_from=date(2025, 7, 1))
    committee = Agency.objects.create(code="H44", name="UBND tỉnh Phú Thọ",
                                      level=Agency.Level.PROVINCE, unit=unit)

    def dept(code, name, level=Agency.Level.PROVINCE):
        return Agency.objects.create(code=code, name=name, level=level, unit=unit,
                                     parent=committee)

    agency = dept("H44.07", "Sở Tư pháp")
    other = dept("H44.08", "Sở Xây dựng")
    commune = dept("H44.100", "UBND xã Hy Cương", Agency.Level.COMMUNE)
    procedure = make_procedure([agency, commune])
    version = procedure.current_version
    form, id_copy, photo = version.components.order_by("order")
    steps = list(ProcessStep.objects.filter(template__version=version).order_by("order"))
    R = Role
    return Province(
        unit=unit, committee=committee, agency=agency, other_agency=other, commune=commune,
        procedure=procedure, version=version, form=form, id_copy=id_copy, photo=photo,
        steps=steps,
        officer=make_user("motcua", agency=agency, roles=[R.ONE_STOP_OFFICER],
                          full_name="Nguyễn Thị Một Cửa"),
        specialist=make_user("chuyenvien", agency=agency, roles=[R.SPECIALIST]),
        division_head=make_user("truongphong", agency=agency, roles=[R.DIVISION_HEAD]),
        leader=make_user("giamdoc", agency=agency, roles=[R.AGENCY_LEADER]),
        other_officer=make_user("motcua_xd", agency=other, roles=[R.ONE_STOP_OFFICER]),
        other_specialist=make_user("chuyenvien_xd", agency=other, roles=[R.SPECIALIST]),
        supervisor=make_user("giamsat", roles=[R.PROVINCE_SUPERVISOR]),
        citizen=make_user("congdan", personal_id=CITIZEN_ID, full_name="Trần Văn Dân"),
        other_citizen=make_user("congdan2", personal_id=OTHER_CITIZEN_ID),
    )


def citizen_applicant(id_number=CITIZEN_ID, name="Trần Văn Dân") -> ApplicantInput:
    return ApplicantInput(kind=ApplicantKind.CITIZEN, name=name, id_number=id_number,
                          phone="0912345678")


def full_components(p: Province, *, online=True) -> list[ComponentInput]:
    from django.core.files.base import ContentFile

    def file(name):
        return ContentFile(b"%PDF-1.4 test", name=name) if online else None

    return [ComponentInput("Tờ khai", p.form.pk, file=file("to-khai.pdf"), is_digitized=online),
            ComponentInput("Căn cước", p.id_copy.pk, file=file("can-cuoc.pdf"),
                           is_digitized=online)]


def submit_online(p: Province, *, user=None, at_=SUBMITTED_AT, **kw) -> Dossier:
    """Filed online by `user` (the citizen). A citizen files only as themself (their account's
    personal id and name), so a dossier of any other applicant is filed by SYSTEM, as the
    importer would, and still shows up in the portal of a citizen with that personal id."""
    user = user or p.citizen
    kw.setdefault("applicant", citizen_applicant(user.personal_id or CITIZEN_ID,
                                                 name=user.full_name or "Trần Văn Dân"))
    kw.setdefault("components", full_components(p))
    kw.setdefault("procedure", p.procedure)
    kw.setdefault("agency", p.agency)
    applicant = kw["applicant"]
    if isinstance(user, User) and (applicant.kind, applicant.id_number, applicant.name) != (
            ApplicantKind.CITIZEN, user.personal_id, user.full_name):
        user = SYSTEM
    return lifecycle.submit(user, channel=Channel.ONLINE, at=at_, **kw)


def drive(p: Province, dossier: Dossier, status: int) -> Dossier:
    """From a SUBMITTED dossier to `status`, one service call per step, an hour apart."""
    from django.core.files.base import ContentFile

    hour = at(2026, 2, 13, 10)
    s = Status
    if status == s.SUBMITTED:
        return dossier
    if status == s.REFUSED:
        return lifecycle.refuse(p.officer, dossier, reason="Sai thẩm quyền", at=hour)
    if status == s.WITHDRAWN:
        return lifecycle.withdraw(p.citizen, dossier, reason="Không cần nữa", at=hour)
    dossier = lifecycle.receive(p.officer, dossier, at=hour)
    if status == s.RECEIVED:
        return dossier
    dossier = lifecycle.start(p.officer, dossier, at=at(2026, 2, 13, 11))
    later = at(2026, 2, 23, 9)
    if status == s.SUPPLEMENT_REQUESTED:
        return lifecycle.request_supplement(p.specialist, dossier, reasons="Thiếu ảnh", at=later)
    if status == s.PAYMENT_REQUESTED:
        return lifecycle.request_payment(p.specialist, dossier, amount=30_000, at=later)
    if status == s.STOPPED:
        return lifecycle.stop(p.leader, dossier, reason="Chủ hồ sơ đã mất", at=later)
    if status == s.PROCESSING:
        return dossier
    signed = ContentFile(b"%PDF-1.4 kq", name="kq.pdf")  # an electronic result is its file
    # Finished at the first step by the official holding it (the only specialist).
    dossier = lifecycle.finish(p.specialist, dossier, at=later, results=[
        ResultInput("Trích lục", "12/TL", is_electronic=True, file=signed)])
    if status == s.FINISHED:
        return dossier
    dossier = lifecycle.return_result(p.officer, dossier, at=at(2026, 2, 24, 9))
    assert status == s.RETURNED
    return dossier


@pytest.fixture
def make_dossier(province):
    """make_dossier(status, **submit kwargs) -> Dossier in that status."""

    def make(status=Status.SUBMITTED, **kw):
        return drive(province, submit_online(province, **kw), status)

    return make

