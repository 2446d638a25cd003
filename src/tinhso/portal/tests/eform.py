"""Xác nhận thông tin về cư trú (1.010041) with its declaration as an e-form: a short Mẫu CT01
(name, birth date, personal id, phone prefilled; the head of household and, required once a
head is named, the relation to them; the address in a commune of the province; the members
who change with the declarant, a repeatable group) and an optional uploaded paper. Built
through the catalogue's services, as an administrator would, for the portal tests and the
browser journey."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tinhso.catalog import services
from tinhso.catalog.models import (
    Component,
    OnlineLevel,
    Procedure,
    ProcessStep,
    ProcessTemplate,
    ResultType,
    Sector,
)
from tinhso.catalog.services import SYSTEM
from tinhso.core.models import AdministrativeUnit
from tinhso.core.roles import Role
from tinhso.core.timeunits import TimeUnit

CODE = "1.010041"
NAME = "Xác nhận thông tin về cư trú"
TITLE = "Tờ khai thay đổi thông tin cư trú (Mẫu CT01)"
FORM = {
    "title": TITLE,
    "source": "Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA",
    "fields": [
        {"name": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text", "required": True,
         "prefill": "identity:name"},
        {"name": "ngay_sinh", "label": "Ngày, tháng, năm sinh", "type": "date",
         "required": True, "past": True},
        {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id",
         "required": True, "prefill": "identity:personal_id"},
        {"name": "dien_thoai", "label": "Số điện thoại liên hệ", "type": "text",
         "prefill": "identity:phone"},
        {"name": "chu_ho", "label": "Họ, chữ đệm và tên chủ hộ", "type": "text",
         "help": "Để trống nếu chính người khai là chủ hộ."},
        {"name": "quan_he", "label": "Mối quan hệ với chủ hộ", "type": "text",
         "required_if": "chu_ho"},
        {"name": "noi_o", "label": "Địa chỉ chỗ ở", "type": "address", "required": True},
        {"name": "noi_dung", "label": "Nội dung đề nghị", "type": "text", "required": True,
         "multiline": True, "max_length": 1000},
        {"name": "thanh_vien", "label": "Những thành viên trong hộ gia đình cùng thay đổi",
         "type": "group", "max_items": 5, "fields": [
             {"name": "ho_ten", "label": "Họ, chữ đệm và tên", "type": "text",
              "required": True},
             {"name": "ngay_sinh", "label": "Ngày, tháng, năm sinh", "type": "date",
              "past": True},
             {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "personal_id",
              "required": True},
         ]},
    ],
}
COMMUNES = (("25001", "Phường Việt Trì"), ("25002", "Xã Hy Cương"))


@dataclass
class EFormProcedure:
    procedure: Procedure
    declaration: Component  # the e-form, required
    proof: Component  # an uploaded paper, optional


def communes(province: AdministrativeUnit) -> list[AdministrativeUnit]:
    """Two communes of the province (the province's code is TINHSO_PROVINCE_CODE, 25)."""
    return [AdministrativeUnit.objects.get_or_create(code=code, defaults={
        "name": name, "level": AdministrativeUnit.Level.COMMUNE, "division_type": "phường",
        "codename": code, "parent": province, "valid_from": date(2025, 7, 1)})[0]
        for code, name in COMMUNES]


def eform_procedure(agencies, *, code=CODE, form=FORM) -> EFormProcedure:
    sector, _ = Sector.objects.get_or_create(code="CT",
                                             defaults={"name": "Đăng ký, quản lý cư trú"})
    procedure = services.create_procedure(
        SYSTEM, code=code, name=NAME, sector=sector, agencies=agencies,
        processing_time=Decimal(1), time_unit=TimeUnit.WORKING_DAYS,
        online_level=OnlineLevel.FULL, at_commune=True)
    version = procedure.versions.get()

    def part(row):
        return services.save_part(SYSTEM, row)

    declaration = part(Component(version=version, order=1, name=TITLE,
                                 template_name="Mẫu CT01", form=form))
    proof = part(Component(version=version, order=2, is_required=False,
                           name="Giấy tờ, tài liệu khác (nếu có)"))
    part(ResultType(version=version, name="Xác nhận thông tin về cư trú", is_electronic=True))
    template = part(ProcessTemplate(version=version, name="Quy trình xác nhận cư trú"))
    for order, (share, role) in enumerate(
            ((40, Role.SPECIALIST), (30, Role.DIVISION_HEAD), (30, Role.AGENCY_LEADER)), 1):
        part(ProcessStep(template=template, order=order, name=f"Bước {order}", role=role,
                         share=Decimal(share)))
    services.publish(SYSTEM, version)
    procedure.refresh_from_db()
    return EFormProcedure(procedure, declaration, proof)
