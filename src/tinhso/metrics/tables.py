"""The dashboard's tables as rows of plain values: the page shows them, Excel exports them."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .scoring import round2
from .selectors import IndexResult, RankRow, TrendPoint


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list]


def percent(num: int, den: int) -> Decimal | None:
    return round2(Decimal(100) * num / den) if den else None


def groups(result: IndexResult) -> Table:
    rows = [[g.code, g.name, g.points, g.maximum,
             percent(int(g.points * 100), int(g.maximum * 100))] for g in result.score.groups]
    return Table("groups", _("Nhóm chỉ số"),
                 [_("Mã"), _("Nhóm chỉ số"), _("Điểm"), _("Tối đa"), _("Tỷ lệ điểm (%)")], rows)


def components(result: IndexResult, *, with_data: bool = True) -> Table:
    rows = []
    for g in result.score.groups:
        for c in g.components:
            if c.has_data != with_data:
                continue
            first = c.ratios[0] if c.ratios else None
            rows.append([c.code, c.name,
                         first.numerator if first else None,
                         first.denominator if first else None,
                         percent(first.numerator, first.denominator) if first else None,
                         c.points, c.maximum])
    name = "components" if with_data else "no_data"
    title = _("Chỉ số thành phần") if with_data else _("Chỉ số chưa có dữ liệu")
    return Table(name, title, [_("Mã"), _("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Tỷ lệ (%)"),
                               _("Điểm"), _("Tối đa")], rows)


def trend(points: list[TrendPoint]) -> Table:
    rows = [[p.period.label, p.total, p.grade_label, p.timeliness_rate, p.judged]
            for p in points]
    return Table("trend", _("Diễn biến theo tháng"),
                 [_("Tháng"), _("Tổng điểm"), _("Xếp loại"), _("Đúng hạn (%)"),
                  _("Hồ sơ được tính")], rows)


def ranking(name: str, title: str, rows: list[RankRow]) -> Table:
    return Table(name, title,
                 [_("Hạng"), _("Mã định danh"), _("Cơ quan"), _("Tổng điểm"), _("Xếp loại"),
                  _("Đúng hạn (%)"), _("Hồ sơ được tính"), _("Thay đổi so với kỳ trước")],
                 [[r.rank, r.agency.code, r.agency.name, r.total, r.grade_label,
                   r.timeliness_rate, r.judged, r.change] for r in rows])


def dossiers(title: str, qs) -> Table:
    rows = [[d.code, d.procedure.name, d.agency.name, d.get_status_display(),
             d.received_at, d.due_at, d.finished_at or d.returned_at or d.closed_at]
            for d in qs]
    return Table("dossiers", title,
                 [_("Mã hồ sơ"), _("Thủ tục"), _("Cơ quan tiếp nhận"), _("Trạng thái"),
                  _("Ngày tiếp nhận"), _("Ngày hẹn trả"), _("Ngày kết thúc")], rows)
