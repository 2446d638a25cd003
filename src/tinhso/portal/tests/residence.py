"""Đăng ký thường trú (1.004222) as published: two cases with papers of their own, one
statutory time for every case and channel, and a fee per channel (online 10.000 đ, at the
desk 20.000 đ). Built through the catalogue's services, as an administrator would, so that
tests do not depend on the demo catalogue."""

from dataclasses import dataclass
from decimal import Decimal

from tinhso.catalog import services
from tinhso.catalog.models import (
    Channel,
    ChannelTime,
    Component,
    Fee,
    OnlineLevel,
    Procedure,
    ProcedureCase,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.catalog.services import SYSTEM
from tinhso.core.roles import Role
from tinhso.core.timeunits import TimeUnit

CODE = "1.004222"
NAME = "Đăng ký thường trú"
OWN_HOME = "Đăng ký thường trú tại chỗ ở hợp pháp thuộc quyền sở hữu của mình"
WITH_FAMILY = "Đăng ký thường trú về ở với vợ, chồng, cha, mẹ, con"
ONLINE_FEE, DESK_FEE = 10_000, 20_000


@dataclass
class Residence:
    procedure: Procedure
    own_home: ProcedureCase
    with_family: ProcedureCase
    declaration: Component  # every case
    ownership: Component  # own home only
    kinship: Component  # with family only
    consent: Component  # with family only


def residence_procedure(agencies, *, code=CODE) -> Residence:
    sector, _ = Sector.objects.get_or_create(code="CT",
                                             defaults={"name": "Đăng ký, quản lý cư trú"})
    procedure = services.create_procedure(
        SYSTEM, code=code, name=NAME, sector=sector, agencies=agencies,
        processing_time=Decimal(7), time_unit=TimeUnit.WORKING_DAYS,
        online_level=OnlineLevel.FULL, at_commune=True,
        legal_basis="Luật Cư trú số 68/2020/QH14; Thông tư số 75/2022/TT-BTC.")
    version = procedure.versions.get()
    # The published facts are plain fields of the draft (the importer sets them the same way).
    version.subjects = "Công dân Việt Nam"
    version.conditions = "Có chỗ ở hợp pháp tại nơi đăng ký thường trú."
    version.implementing_body = "Công an cấp xã"
    version.competent_authority = "Công an xã, phường, đặc khu"
    version.reception_address = "Trụ sở Công an cấp xã nơi đăng ký thường trú"
    version.save()

    def part(row):
        return services.save_part(SYSTEM, row)

    own = part(ProcedureCase(version=version, order=1, name=OWN_HOME))
    family = part(ProcedureCase(version=version, order=2, name=WITH_FAMILY))
    declaration = part(Component(version=version, order=1, template_name="Mẫu CT01",
                                 name="Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"))
    ownership = part(Component(version=version, order=2, case=own,
                               name="Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp"))
    kinship = part(Component(version=version, order=3, case=family,
                             name="Giấy tờ, tài liệu chứng minh quan hệ nhân thân với chủ hộ"))
    consent = part(Component(version=version, order=4, case=family,
                             name="Văn bản đồng ý của chủ hộ", is_required=False))
    part(ChannelTime(version=version, processing_time=Decimal(7),
                     time_unit=TimeUnit.WORKING_DAYS, note="Kể từ ngày nhận đủ hồ sơ"))
    part(Fee(version=version, order=1, kind=Fee.Kind.CHARGE, channel=Channel.ONLINE,
             name="Lệ phí đăng ký cư trú", amount=ONLINE_FEE))
    part(Fee(version=version, order=2, kind=Fee.Kind.CHARGE, channel=Channel.DESK,
             name="Lệ phí đăng ký cư trú", amount=DESK_FEE))
    part(ResultType(version=version, name="Thông báo kết quả đăng ký thường trú",
                    is_electronic=True))
    template = part(ProcessTemplate(version=version, name="Quy trình đăng ký thường trú"))
    for order, (share, role) in enumerate(
            ((40, Role.SPECIALIST), (30, Role.DIVISION_HEAD), (30, Role.AGENCY_LEADER)), 1):
        part(ProcessStep(template=template, order=order, name=f"Bước {order}", role=role,
                         share=Decimal(share)))
    services.publish(SYSTEM, version)
    procedure.refresh_from_db()
    return Residence(procedure, own, family, declaration, ownership, kinship, consent)
