"""Which of this province's agencies receive a nationally published procedure.

The national database names a procedure's implementing body in words ("Công an cấp xã",
"Sở Kế hoạch và Đầu tư", "Chi cục Thuế khu vực"), never a province's agency codes. A province
loading the national catalogue places each procedure by that body among its own agencies,
found by fragments of their folded names: the commune police or committees for commune-level
procedures, the vertical bodies' provincial offices, the departments (with the names they had
before the 2025 mergers). A body that matches none of the province's agencies is left
unplaced, so the importer refuses it with its code; nothing is guessed.
"""

from __future__ import annotations

from functools import cached_property

from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.core.models import Agency
from tinhso.core.text import fold

from .exchange.document import RawDocument

# A published body (folded) -> the province's agency, by a fragment of its name. Vertical
# bodies first; then departments, with the names they had before the 2025 mergers.
VERTICAL = (
    ("cong an", "cong an"),
    ("canh sat", "cong an"),
    ("xuat nhap canh", "cong an"),
    ("thue", "thue"),
    ("bao hiem xa hoi", "bao hiem xa hoi"),
    ("ngan hang nha nuoc", "ngan hang nha nuoc"),
    ("hai quan", "hai quan"),
    ("kho bac", "kho bac"),
    ("quan su", "quan su"),
)
DEPARTMENTS = (
    # Units of a department that publish under their own name.
    ("dang ky dat dai", "so nong nghiep"),
    ("thu y", "so nong nghiep"),
    ("kiem lam", "so nong nghiep"),
    ("viec lam", "so noi vu"),
    ("tro giup xa hoi", "so y te"),
    ("hiv", "so y te"),
    ("tro giup phap ly", "so tu phap"),
    ("do luong chat luong", "so khoa hoc"),
    ("dang kiem", "so xay dung"),
    ("sat hach", "so xay dung"),
    ("hanh chinh cong", "trung tam phuc vu"),
    ("van phong uy ban", "van phong uy ban"),
    ("tu phap", "so tu phap"),
    ("noi vu", "so noi vu"),
    ("lao dong", "so noi vu"),
    ("tai chinh", "so tai chinh"),
    ("ke hoach va dau tu", "so tai chinh"),
    ("cong thuong", "so cong thuong"),
    ("nong nghiep", "so nong nghiep"),
    ("tai nguyen", "so nong nghiep"),
    ("xay dung", "so xay dung"),
    ("giao thong", "so xay dung"),
    ("khoa hoc", "so khoa hoc"),
    ("thong tin va truyen thong", "so khoa hoc"),
    ("giao duc", "so giao duc"),
    ("y te", "so y te"),
    ("van hoa", "so van hoa"),
    ("du lich", "so van hoa"),
    ("the thao", "so van hoa"),
    ("dan toc", "so dan toc"),
    ("ton giao", "so dan toc"),
    ("ngoai vu", "so ngoai vu"),
    ("thanh tra", "thanh tra"),
    ("khu cong nghiep", "khu cong nghiep"),
    ("khu kinh te", "khu cong nghiep"),
)


class NoAgencies(DomainError):
    code = "no_agencies"
    default_message = _("Chưa có cơ quan nào; hãy chạy “tinhso load_demo_province” trước.")


class Province:
    """The province's agencies, found by fragments of their folded names."""

    def __init__(self) -> None:
        rows = list(Agency.objects.filter(is_active=True).order_by("code")
                    .values_list("code", "search_name", "level", "parent__search_name"))
        if not rows:
            raise NoAgencies()
        self.province = [(code, name) for code, name, level, _p in rows
                         if level == Agency.Level.PROVINCE]
        commune = [(code, name, parent) for code, name, level, parent in rows
                   if level == Agency.Level.COMMUNE]
        self.police = [code for code, name, _p in commune if name.startswith("cong an")]
        self.committees = [code for code, name, _p in commune if name.startswith("uy ban")]

    @cached_property
    def committee(self) -> str | None:
        return next((code for code, name in self.province if name.startswith("uy ban")), None)

    def provincial(self, fragment: str) -> str | None:
        return next((code for code, name in self.province if fragment in name), None)

    def agencies(self, body: str, at_province: bool, at_commune: bool) -> list[str]:
        """The agencies that receive a procedure whose published implementing body is
        `body`; empty when the province has none (the procedure is then refused)."""
        text = fold(body)
        vertical = next((agency for key, agency in VERTICAL if key in text), None)
        out = []
        if at_commune and vertical in (None, "cong an"):
            out += self.police if vertical else self.committees
        # Other vertical bodies receive at their provincial office, whatever level publishes.
        if at_province or (at_commune and vertical not in (None, "cong an")):
            if vertical:
                # Provincial police keeps its own name; other vertical bodies sit in the province.
                found = self.provincial("cong an tinh" if vertical == "cong an" else vertical)
            else:
                found = next((self.provincial(agency) for key, agency in DEPARTMENTS
                              if key in text and self.provincial(agency)), None)
                if found is None and "uy ban nhan dan" in text:
                    found = self.committee
            out += [found] if found else []
        return out


def place(doc: RawDocument, province: Province | None = None) -> int:
    """Give each procedure that names no agency the agencies of its published body; the
    number placed. Procedures that name agencies keep them."""
    province, placed = province or Province(), 0
    for proc in doc.procedures:
        data = proc.row.data
        if data.get("agencies"):
            continue
        data["agencies"] = province.agencies(
            data.get("implementing_body") or data.get("competent_authority") or "",
            bool(data.get("at_province")), bool(data.get("at_commune")))
        placed += bool(data["agencies"])
    return placed
