"""Plausible applicants: Vietnamese names, valid personal ids and tax codes, phones, addresses.

Everything is drawn from a `random.Random` handed in, so a seed gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from tinhso.core.identifiers import PROVINCE_CODES, tax_check_digit
from tinhso.core.text import fold

PROVINCE_ID_CODES = tuple(f"{code:03d}" for code in sorted(PROVINCE_CODES))
# Family names with their rough share of the population (percent).
FAMILY_NAMES = (
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4.5), ("Vũ", 3.9), ("Võ", 3), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4),
    ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.7), ("Đào", 0.6),
    ("Trịnh", 0.5), ("Mai", 0.4), ("Hà", 0.5), ("Lương", 0.3), ("Tạ", 0.3), ("Cao", 0.3),
    ("Kiều", 0.2), ("Triệu", 0.2),
)
MIDDLE = {
    "m": ("Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Công", "Ngọc", "Xuân", "Tiến",
          "Mạnh", "Gia"),
    "f": ("Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Bích", "Hồng", "Thùy", "Kim",
          "Mai", "Khánh"),
}
GIVEN = {
    "m": ("Anh", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khánh", "Long",
          "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Tùng", "Việt", "Hiếu", "Trung",
          "Kiên", "Lâm", "Nghĩa", "Thịnh", "Vinh"),
    "f": ("Anh", "Hà", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Ngọc", "Nhung",
          "Oanh", "Phương", "Thảo", "Trang", "Vân", "Yến", "Giang", "Huyền", "Dung", "Hạnh",
          "Liên", "Thủy", "Nga", "Quỳnh", "Chi"),
}
ORG_FORMS = ("Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Hợp tác xã",
             "Doanh nghiệp tư nhân")
ORG_WORDS = ("Phú Thịnh", "Hưng Phát", "Minh Long", "Thành Đạt", "An Khang", "Hòa Bình",
             "Đại Việt", "Sông Lô", "Trường Sơn", "Tân Tiến", "Phát Đạt", "Hùng Vương",
             "Đất Tổ", "Xuân Mai", "Kim Ngân", "Bảo Long", "Việt Hưng", "Thiên Phúc")
ORG_TRADES = ("Xây dựng", "Thương mại và Dịch vụ", "Vận tải", "Nông nghiệp công nghệ cao",
              "Chè", "Gỗ", "Đầu tư Phát triển", "Cơ khí", "Dược phẩm", "Du lịch")
TAX_PREFIXES = ("26", "26", "26", "25", "01", "03", "02", "23", "27", "46")
STREET_KINDS = ("Tổ dân phố", "Khu", "Thôn", "Xóm")

_family = tuple(name for name, _w in FAMILY_NAMES)
_family_cum = []
_acc = 0.0
for _name, _weight in FAMILY_NAMES:
    _acc += _weight
    _family_cum.append(_acc)


def personal_id(rng: random.Random, province_code: str, sex: str, birth_year: int) -> str:
    """12 digits: province of birth registration, sex/century, birth year, random rest."""
    century = (birth_year // 100) - 19  # 1900s -> 0, 2000s -> 1
    digit = 2 * century + (1 if sex == "f" else 0)
    return f"{province_code}{digit}{birth_year % 100:02d}{rng.randrange(1_000_000):06d}"


def tax_code(rng: random.Random) -> str:
    while True:
        nine = rng.choice(TAX_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
        check = tax_check_digit(nine)
        if check is not None:
            return f"{nine}{check}"


def person_name(rng: random.Random, sex: str) -> str:
    family = rng.choices(_family, cum_weights=_family_cum)[0]
    return f"{family} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def phone(rng: random.Random) -> str:
    return f"09{rng.randrange(100_000_000):08d}"


@dataclass(slots=True)
class Applicant:
    kind: str
    name: str
    id_number: str
    phone: str
    email: str
    address: str


class People:
    """Draws applicants living in the loaded province."""

    def __init__(self, home_code: str, province_name: str, communes: list[str]):
        self.home_code = home_code if home_code in PROVINCE_ID_CODES else "025"
        self.province_name = province_name
        self.communes = communes or [province_name]

    def address(self, rng: random.Random) -> str:
        return (f"{rng.choice(STREET_KINDS)} {rng.randint(1, 25)}, "
                f"{rng.choice(self.communes)}, {self.province_name}")

    def citizen(self, rng: random.Random) -> Applicant:
        sex = "m" if rng.random() < 0.5 else "f"
        year = rng.randint(1945, 2007)
        home = self.home_code if rng.random() < 0.8 else rng.choice(PROVINCE_ID_CODES)
        name = person_name(rng, sex)
        email = ""
        if rng.random() < 0.35:
            email = f"{fold(name).replace(' ', '')}{rng.randint(1, 999)}@gmail.com"
        return Applicant("citizen", name, personal_id(rng, home, sex, year), phone(rng),
                         email, self.address(rng))

    def organisation(self, rng: random.Random) -> Applicant:
        name = f"{rng.choice(ORG_FORMS)} {rng.choice(ORG_TRADES)} {rng.choice(ORG_WORDS)}"
        email = f"lienhe{rng.randint(1, 9999)}@{fold(rng.choice(ORG_WORDS)).replace(' ', '')}.vn"
        return Applicant("organisation", name, tax_code(rng), phone(rng), email,
                         self.address(rng))
