"""A realistic year of petitions for the demo province (`tinhso seed_petitions`, called by
`tinhso load_demo`): deterministic for a seed and a moment.

Spread over the agencies (more where the demo has officials, so that their inbox is full),
filed on working days, with the rules of petitions.services: deadlines on the work calendar,
most answered on time, some late, some refused or forwarded, some paused while the
petitioner was asked for more, the recent ones still open (a few overdue), most answers
published and many rated. Rows are written in bulk, like the demo's dossiers; the live
actions go through the services.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tinhso.core.calendar import get_calendar
from tinhso.core.models import Agency, User

from . import services
from .models import Petition

SUBJECTS = [
    ("feedback", "Chậm trả kết quả hồ sơ đăng ký đất đai",
     "Tôi nộp hồ sơ đăng ký biến động đất đai đã quá ngày hẹn nhưng chưa nhận được kết quả, "
     "cũng không được thông báo lý do chậm."),
    ("feedback", "Yêu cầu nộp thêm giấy tờ không có trong quy định",
     "Cán bộ tiếp nhận yêu cầu tôi nộp thêm bản sao sổ hộ khẩu, trong khi thủ tục đã công "
     "bố không có thành phần này."),
    ("feedback", "Thái độ phục vụ của cán bộ bộ phận một cửa",
     "Ngày làm việc vừa qua, cán bộ tại quầy trả lời thiếu nhiệt tình, không hướng dẫn cụ thể "
     "cách kê khai tờ khai."),
    ("feedback", "Không thanh toán trực tuyến được lệ phí",
     "Tôi thanh toán lệ phí trên Cổng dịch vụ công nhưng giao dịch báo lỗi, tài khoản đã bị "
     "trừ tiền mà hồ sơ vẫn báo chưa thanh toán."),
    ("feedback", "Tra cứu hồ sơ trên Cổng không đúng trạng thái",
     "Hồ sơ của tôi đã trả kết quả tại quầy nhưng trên Cổng vẫn hiển thị đang xử lý."),
    ("feedback", "Đường giao thông nông thôn xuống cấp",
     "Tuyến đường liên thôn bị sụt lún nhiều đoạn sau mưa lớn, đề nghị chính quyền kiểm tra "
     "và sửa chữa."),
    ("feedback", "Rác thải tồn đọng tại khu dân cư",
     "Điểm tập kết rác đầu ngõ nhiều ngày không được thu gom, gây mùi hôi ảnh hưởng sinh "
     "hoạt của người dân."),
    ("feedback", "Hướng dẫn thủ tục không thống nhất",
     "Hai lần đến hỏi, tôi được hai cán bộ hướng dẫn hai cách khác nhau về hồ sơ xin cấp "
     "giấy phép xây dựng nhà ở riêng lẻ."),
    ("feedback", "Chậm cấp giấy chứng nhận đăng ký hộ kinh doanh",
     "Hồ sơ đăng ký hộ kinh doanh đã nộp trực tuyến đủ thành phần nhưng quá hạn chưa được "
     "giải quyết."),
    ("feedback", "Thu phí sai quy định khi chứng thực",
     "Khi chứng thực bản sao tôi bị thu cao hơn mức phí niêm yết tại bộ phận một cửa."),
    ("feedback", "Ô nhiễm tiếng ồn từ xưởng sản xuất",
     "Xưởng gỗ trong khu dân cư hoạt động cả ban đêm, tiếng ồn lớn ảnh hưởng đến sức khỏe "
     "người cao tuổi và trẻ nhỏ."),
    ("feedback", "Đèn chiếu sáng công cộng hỏng",
     "Nhiều bóng đèn trên tuyến đường trục xã bị hỏng lâu ngày, đi lại buổi tối rất nguy "
     "hiểm."),
    ("proposal", "Đề nghị kéo dài giờ làm việc của bộ phận một cửa",
     "Đề nghị bộ phận một cửa làm việc sáng thứ Bảy để người đi làm có thể nộp hồ sơ."),
    ("proposal", "Đề nghị bổ sung chỗ để xe tại trung tâm phục vụ hành chính công",
     "Khu vực để xe chật, người dân phải để xe dưới lòng đường; đề nghị bố trí thêm chỗ."),
    ("proposal", "Đề nghị cho nộp bản điện tử thay bản giấy",
     "Giấy tờ đã có trong kho dữ liệu điện tử của công dân, đề nghị không yêu cầu nộp lại "
     "bản giấy."),
    ("proposal", "Đề nghị cắt giảm thành phần hồ sơ đăng ký khai sinh",
     "Thông tin cha mẹ đã có trong cơ sở dữ liệu quốc gia về dân cư, đề nghị không yêu cầu "
     "xuất trình giấy tờ chứng minh nơi cư trú."),
    ("proposal", "Đề nghị hỗ trợ người cao tuổi nộp hồ sơ trực tuyến",
     "Đề nghị bố trí tổ công nghệ số cộng đồng hướng dẫn người cao tuổi sử dụng dịch vụ công "
     "trực tuyến."),
    ("proposal", "Đề nghị công khai tiến độ giải phóng mặt bằng",
     "Đề nghị công khai kế hoạch và tiến độ bồi thường, hỗ trợ tái định cư của dự án mở rộng "
     "đường tỉnh."),
    ("proposal", "Đề nghị lắp đặt biển báo giao thông gần trường học",
     "Đoạn đường trước cổng trường tiểu học chưa có biển báo và gờ giảm tốc, nguy cơ tai nạn "
     "cao vào giờ tan học."),
    ("proposal", "Đề nghị gửi kết quả qua dịch vụ bưu chính công ích",
     "Đề nghị cho phép nhận kết quả giải quyết thủ tục qua bưu điện để người dân ở xa không "
     "phải đi lại."),
]
ANSWERS = [
    "Cơ quan đã kiểm tra, làm rõ nguyên nhân và chỉ đạo bộ phận liên quan khắc phục; kết quả "
    "sẽ được trả cho ông/bà trong thời gian sớm nhất.",
    "Nội dung phản ánh là đúng. Cơ quan đã nhắc nhở cán bộ liên quan và chấn chỉnh quy trình "
    "tiếp nhận, hướng dẫn hồ sơ.",
    "Qua kiểm tra, việc giải quyết đúng quy định hiện hành. Cơ quan gửi kèm hướng dẫn chi tiết "
    "để ông/bà thực hiện.",
    "Cơ quan ghi nhận kiến nghị và sẽ nghiên cứu, đưa vào kế hoạch cải cách thủ tục hành chính "
    "năm tới.",
    "Đơn vị quản lý đã khắc phục xong trong tuần; đề nghị ông/bà tiếp tục phản ánh nếu tình "
    "trạng tái diễn.",
]
REFUSALS = [
    "Nội dung không thuộc phạm vi phản ánh, kiến nghị về quy định hành chính; đề nghị ông/bà "
    "gửi đơn theo thủ tục khiếu nại.",
    "Phản ánh trùng nội dung đã được trả lời trước đó; cơ quan không tiếp nhận lại.",
    "Phản ánh không có thông tin liên hệ và nội dung cụ thể để xem xét.",
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hà", "Ngô",
          "Dương"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quang", "Thanh", "Ngọc", "Hữu", "Kim"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Hòa", "Hùng", "Lan",
         "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn"]


@dataclass
class SeedReport:
    petitions: int
    answered: int
    on_time: int
    refused: int
    forwarded: int
    open: int
    rated: int


def _agencies() -> tuple[list[Agency], list[float]]:
    """Active agencies, those with officials weighted up (their inbox is the demo's)."""
    staffed = set(User.objects.filter(agency__isnull=False, is_active=True)
                  .values_list("agency_id", flat=True))
    agencies = list(Agency.objects.filter(is_active=True).order_by("code"))
    weights = [12.0 if a.pk in staffed else 1.0 for a in agencies]
    return agencies, weights


def _officials() -> dict[int, list[User]]:
    out: dict[int, list[User]] = {}
    for user in User.objects.filter(agency__isnull=False, is_active=True).order_by("username"):
        out.setdefault(user.agency_id, []).append(user)
    return out


def _working_instant(rng: random.Random, day: date, zone) -> datetime:
    minutes = rng.randrange(7 * 60 + 30, 16 * 60 + 30)
    return datetime.combine(day, time(minutes // 60, minutes % 60), zone)


def _after(cal, start: datetime, rng: random.Random, low: float, high: float) -> datetime:
    """A moment some working days after `start` (fractions of a day included)."""
    return cal.add_working_days(start, round(rng.uniform(low, high), 2))


def seed(count: int = 420, *, seed: int = 2026, now: datetime | None = None) -> SeedReport:
    """`count` petitions over the year before `now` (the same ones for the same seed, now and
    province)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    zone = ZoneInfo(settings.TIME_ZONE)
    now = now or timezone.now()
    today = now.astimezone(zone).date()
    cal = get_calendar()
    agencies, weights = _agencies()
    if not agencies:
        return SeedReport(0, 0, 0, 0, 0, 0, 0)
    officials = _officials()
    days = [today - timedelta(days=n) for n in range(365, 0, -1)]
    days = [d for d in days if cal.is_working_day(d)]
    rows: list[Petition] = []
    codes: set[str] = set()
    report = SeedReport(0, 0, 0, 0, 0, 0, 0)
    for _n in range(count):
        kind, title, content = rng.choice(SUBJECTS)
        agency = rng.choices(agencies, weights)[0]
        at = _working_instant(rng, rng.choice(days), zone)
        code = _code(rng, at, codes)
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        p = Petition(code=code, kind=kind, title=title, content=content, agency=agency,
                     submitter_name=name, submitter_phone=f"09{rng.randrange(10**8):08d}",
                     submitted_at=at, **services.deadlines(at, cal))
        p.status = Petition.Status.RECEIVED
        _play(rng, cal, p, agency, agencies, weights, officials, now, report)
        rows.append(p)
    with transaction.atomic():
        Petition.objects.bulk_create(rows, batch_size=500)
    report.petitions = len(rows)
    return report


def _code(rng, at, codes) -> str:
    while True:
        suffix = "".join(rng.choice(services.CODE_ALPHABET) for _ in range(6))
        code = f"PA-{timezone.localtime(at):%y%m%d}-{suffix}"
        if code not in codes:
            codes.add(code)
            return code


def _play(rng, cal, p: Petition, agency, agencies, weights, officials, now, report) -> None:
    """What happened to one petition up to now, by the services' rules."""
    staff = officials.get(agency.pk, [])
    clock = p.submitted_at
    if staff and rng.random() < 0.8:
        p.assignee = rng.choice(staff)
        p.assigned_at = _after(cal, clock, rng, 0.1, 1)
    roll = rng.random()
    if roll < 0.06:  # refused: mostly within 2 working days
        at = _after(cal, clock, rng, 0.3, 2.8 if rng.random() < 0.2 else 1.9)
        if at < now:
            p.status, p.answer, p.answered_at = Petition.Status.REFUSED, rng.choice(REFUSALS), at
            p.answered_by = rng.choice(staff) if staff else None
            p.closed_on_time = at <= p.refuse_due_at
            report.refused += 1
            return
    elif roll < 0.14:  # forwarded to the competent agency, which handles it from then on
        at = _after(cal, clock, rng, 0.3, 1.9)
        if at < now:
            target = rng.choices(agencies, weights)[0]
            if target.pk != agency.pk:
                p.forwarded_from, p.forwarded_at = agency, at
                p.forward_note = "Nội dung thuộc thẩm quyền giải quyết của cơ quan khác."
                p.agency, p.assignee, p.assigned_at = target, None, None
                for name, value in services.deadlines(at, cal).items():
                    setattr(p, name, value)
                clock, agency, staff = at, target, officials.get(target.pk, [])
                report.forwarded += 1
    if rng.random() < 0.1:  # asked for more, the petitioner answered some days later
        asked = _after(cal, clock, rng, 0.5, 4.5)
        if asked < now:
            p.info_request = "Đề nghị cung cấp thêm mã hồ sơ, thời gian và địa điểm cụ thể."
            p.info_requested_at = asked
            replied = _after(cal, asked, rng, 0.5, 6)
            if replied >= now:
                p.status, p.paused_since = Petition.Status.WAITING, asked
                report.open += 1
                return
            p.info_reply, p.info_replied_at = "Mã hồ sơ và địa điểm đã ghi rõ như sau.", replied
            waited = cal.working_time_between(asked, replied)
            for name in ("refuse_due_at", "info_due_at", "due_at"):
                setattr(p, name, cal.add_working_time(getattr(p, name), waited))
    started = p.forwarded_at or p.submitted_at
    late = rng.random() < 0.12
    answered = (_after(cal, started, rng, 15.2, 22) if late else
                _after(cal, started, rng, 2, 14.8))
    if p.info_replied_at:
        answered = max(answered, _after(cal, p.info_replied_at, rng, 0.5, 3))
    if answered >= now:
        report.open += 1
        return
    p.status, p.answer, p.answered_at = Petition.Status.ANSWERED, rng.choice(ANSWERS), answered
    p.answered_by = rng.choice(staff) if staff else None
    p.closed_on_time = answered <= p.due_at
    p.publish_due_at = cal.add_working_days(answered, services.PUBLISH_WORKING_DAYS)
    report.answered += 1
    report.on_time += bool(p.closed_on_time)
    if rng.random() < 0.9:
        published = _after(cal, answered, rng, 0, 2.6)
        if published < now:
            p.is_public, p.published_at = True, published
    if rng.random() < 0.6:
        rated = answered + timedelta(hours=rng.randrange(2, 24 * 10))
        if rated < now:
            good = (4, 5, 5, 4, 3) if p.closed_on_time else (2, 3, 4, 1, 3)
            p.rating, p.rated_at = rng.choice(good), rated
            report.rated += 1
