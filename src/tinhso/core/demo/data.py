"""The demo province, Phú Thọ after the 2025 merger: its agencies and demo staff accounts.

Agency codes follow the national portal's shape (H44, H44.07, H44.100); the numbering of
departments here is the demo's own, not an official assignment.
"""

from dataclasses import dataclass

from tinhso.core.roles import Role


@dataclass(frozen=True)
class Department:
    number: int
    name: str  # "{province}" becomes e.g. "tỉnh Phú Thọ"
    short_name: str


@dataclass(frozen=True)
class Account:
    username: str
    full_name: str
    role: str
    agency: str  # an agency code, or "unit:<commune code>" for that commune's committee
    superuser: bool = False


@dataclass(frozen=True)
class DemoProvince:
    province_code: str
    root_code: str
    capital_unit_code: str  # where the provincial agencies sit, for their address
    service_centre: int  # department number of the public administrative service centre
    police: int  # department number of the provincial police, parent of the commune police
    departments: tuple[Department, ...]
    accounts: tuple[Account, ...]
    first_commune_number: int = 100


DEPARTMENTS = tuple(Department(n, name, short) for n, name, short in [
    (1, "Văn phòng Ủy ban nhân dân {province}", "Văn phòng UBND tỉnh"),
    (2, "Sở Nội vụ {province}", "Sở Nội vụ"),
    (3, "Sở Tư pháp {province}", "Sở Tư pháp"),
    (4, "Sở Tài chính {province}", "Sở Tài chính"),
    (5, "Sở Công Thương {province}", "Sở Công Thương"),
    (6, "Sở Nông nghiệp và Môi trường {province}", "Sở Nông nghiệp và Môi trường"),
    (7, "Sở Xây dựng {province}", "Sở Xây dựng"),
    (8, "Sở Khoa học và Công nghệ {province}", "Sở Khoa học và Công nghệ"),
    (9, "Sở Giáo dục và Đào tạo {province}", "Sở Giáo dục và Đào tạo"),
    (10, "Sở Y tế {province}", "Sở Y tế"),
    (11, "Sở Văn hóa, Thể thao và Du lịch {province}", "Sở Văn hóa, Thể thao và Du lịch"),
    (12, "Sở Dân tộc và Tôn giáo {province}", "Sở Dân tộc và Tôn giáo"),
    (13, "Sở Ngoại vụ {province}", "Sở Ngoại vụ"),
    (14, "Thanh tra {province}", "Thanh tra tỉnh"),
    (15, "Ban Quản lý các khu công nghiệp {province}", "Ban Quản lý các KCN"),
    (16, "Công an {province}", "Công an tỉnh"),
    (17, "Bộ Chỉ huy Quân sự {province}", "Bộ CHQS tỉnh"),
    (18, "Trung tâm Phục vụ hành chính công {province}", "Trung tâm PVHCC tỉnh"),
    (19, "Ban Quản lý dự án đầu tư xây dựng {province}", "Ban QLDA ĐTXD tỉnh"),
    (20, "Quỹ Đầu tư phát triển {province}", "Quỹ ĐTPT tỉnh"),
    # Vertical bodies that receive a province's dossiers (591 of 1,601 published procedures
    # are theirs): their names as they sit in the province, not their central numbering.
    (21, "Thuế {province}", "Thuế tỉnh"),
    (22, "Bảo hiểm xã hội {province}", "BHXH tỉnh"),
    (23, "Ngân hàng Nhà nước Việt Nam, chi nhánh tại {province}", "NHNN tại tỉnh"),
    (24, "Hải quan khu vực tại {province}", "Hải quan tại tỉnh"),
    (25, "Kho bạc Nhà nước khu vực tại {province}", "KBNN tại tỉnh"),
])
# Công an tỉnh; each commune has its police (Công an xã/phường), numbered as the commune.
POLICE = 16

VIET_TRI = "07900"  # Phường Việt Trì, the provincial capital
PHU_NINH = "08230"  # Xã Phù Ninh

_STAFF_ROLES = [
    ("motcua", Role.ONE_STOP_OFFICER),
    ("chuyenvien", Role.SPECIALIST),
    ("truongphong", Role.DIVISION_HEAD),
    ("lanhdao", Role.AGENCY_LEADER),
]
_NAMES = iter([
    "Nguyễn Thị Hương", "Trần Văn Minh", "Lê Thị Thu Hà", "Phạm Quốc Hùng",
    "Hoàng Thị Mai", "Đỗ Văn Thắng", "Bùi Thị Ngọc Anh", "Vũ Đức Long",
    "Đặng Thị Lan", "Ngô Văn Tuấn", "Dương Thị Hồng", "Lý Văn Dũng",
    "Hà Thị Phương", "Đinh Văn Khải", "Trịnh Thị Yến", "Cao Văn Sơn",
    "Phan Thị Thanh Tâm", "Kiều Văn Bình",
])


def _agency_accounts(slug: str, agency: str) -> list[Account]:
    return [Account(f"{prefix}.{slug}", next(_NAMES), role, agency)
            for prefix, role in _STAFF_ROLES]


PHU_THO = DemoProvince(
    province_code="25",
    root_code="H44",
    capital_unit_code=VIET_TRI,
    service_centre=18,
    police=POLICE,
    departments=DEPARTMENTS,
    accounts=tuple(
        _agency_accounts("sotuphap", "H44.03")
        + _agency_accounts("soxaydung", "H44.07")
        + _agency_accounts("vietri", f"unit:{VIET_TRI}")
        + _agency_accounts("phuninh", f"unit:{PHU_NINH}")
        + [
            Account("giamsat.tinh", next(_NAMES), Role.PROVINCE_SUPERVISOR, "H44.01"),
            Account("quantri.hethong", next(_NAMES), Role.SYSTEM_ADMIN, "H44.08",
                    superuser=True),
        ]
    ),
)
