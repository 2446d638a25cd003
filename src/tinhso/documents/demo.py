"""Demo documents for the demo province (`tinhso load_demo`, after make_demo_pki): a few dozen
outgoing and incoming documents of the four demo agencies in every state, made through the
services as officials would (drafts laid out as PDFs, real signatures and seals), plus a few
received from ministries through the exchange axis's door. Safe to rerun: nothing is added
once the demo agencies hold documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from tinhso.core.models import User
from tinhso.signing.keys import person_identity, pkcs12_path, seal_identity

from . import outside, services
from .models import Document, Status
from .types import DocumentType as T

# Demo account suffixes (core.demo.data): <role>.<slug>
AGENCIES = ("soxaydung", "sotuphap", "vietri", "phuninh")


@dataclass
class Office:
    clerk: User
    specialist: User
    head: User
    leader: User

    @property
    def agency(self):
        return self.leader.agency


def _office(slug: str) -> Office | None:
    people = {u.username.split(".")[0]: u for u in User.objects.filter(
        username__in=[f"{r}.{slug}" for r in ("motcua", "chuyenvien", "truongphong",
                                               "lanhdao")]).select_related("agency")}
    if len(people) < 4:
        return None
    return Office(people["motcua"], people["chuyenvien"], people["truongphong"],
                  people["lanhdao"])


def _can_sign(office: Office) -> bool:
    return (pkcs12_path(person_identity(office.leader.username)).exists()
            and pkcs12_path(seal_identity(office.agency.code)).exists())


# (sender slug, type, subject, content, recipient slugs, how far it goes)
OUTGOING = [
    ("soxaydung", T.DECISION, "Về việc phê duyệt Quy hoạch chi tiết xây dựng tỷ lệ 1/500 Khu "
     "dân cư mới phường Việt Trì", "Điều 1. Phê duyệt Quy hoạch chi tiết xây dựng tỷ lệ 1/500."
     "\nĐiều 2. Ủy ban nhân dân phường Việt Trì công bố công khai quy hoạch.",
     ["vietri"], "completed"),
    ("soxaydung", T.OFFICIAL_LETTER, "V/v hướng dẫn cấp giấy phép xây dựng nhà ở riêng lẻ trên "
     "môi trường điện tử", "Sở Xây dựng hướng dẫn các xã, phường tiếp nhận hồ sơ cấp giấy phép "
     "xây dựng trực tuyến toàn trình.", ["vietri", "phuninh"], "assigned"),
    ("soxaydung", T.PLAN, "Kế hoạch kiểm tra công tác quản lý trật tự xây dựng năm 2027",
     "I. Mục đích, yêu cầu.\nII. Nội dung kiểm tra.\nIII. Tổ chức thực hiện.",
     ["vietri", "phuninh", "sotuphap"], "registered"),
    ("soxaydung", T.REPORT, "Báo cáo tình hình thực hiện thủ tục hành chính lĩnh vực xây dựng "
     "quý IV năm 2026", "Kết quả giải quyết hồ sơ: 98,6% đúng hạn.", ["sotuphap"], "issued"),
    ("sotuphap", T.OFFICIAL_LETTER, "V/v rà soát văn bản quy phạm pháp luật do HĐND, UBND cấp "
     "xã ban hành", "Đề nghị các xã, phường rà soát và báo cáo trước ngày 20/12.",
     ["vietri", "phuninh"], "directed"),
    ("sotuphap", T.DECISION, "Về việc công bố danh mục thủ tục hành chính mới ban hành lĩnh vực "
     "hộ tịch", "Điều 1. Công bố kèm theo Quyết định này danh mục thủ tục hành chính.",
     ["vietri", "phuninh", "soxaydung"], "completed"),
    ("sotuphap", T.INVITATION, "Mời dự Hội nghị tập huấn nghiệp vụ chứng thực điện tử",
     "Thời gian: 8 giờ 00 ngày 15/12/2026. Địa điểm: Hội trường Sở Tư pháp.",
     ["vietri", "phuninh"], "issued"),
    ("vietri", T.SUBMISSION, "Tờ trình đề nghị thẩm định dự thảo Nghị quyết về chính sách hỗ trợ "
     "chuyển đổi số cộng đồng", "Ủy ban nhân dân phường kính trình Sở Tư pháp thẩm định.",
     ["sotuphap"], "assigned"),
    ("vietri", T.REPORT, "Báo cáo kết quả triển khai Đề án 06 trên địa bàn phường năm 2026",
     "Tỷ lệ hồ sơ trực tuyến toàn trình đạt 82%.", ["soxaydung"], "issued"),
    ("phuninh", T.OFFICIAL_LETTER, "V/v đề nghị hướng dẫn thủ tục cấp phép xây dựng công trình "
     "hạ tầng nông thôn", "Ủy ban nhân dân xã Phù Ninh đề nghị Sở Xây dựng hướng dẫn.",
     ["soxaydung"], "arrived"),
    # Not yet issued: each step of the road.
    ("soxaydung", T.DECISION, "Về việc thành lập Tổ công tác kiểm tra chất lượng công trình "
     "xây dựng chuyên ngành", "Điều 1. Thành lập Tổ công tác.", ["vietri"], "sealed"),
    ("soxaydung", T.NOTICE, "Thông báo kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 11",
     "Các phòng chuyên môn triển khai nhiệm vụ được giao.", ["phuninh"], "signed"),
    ("soxaydung", T.DIRECTIVE, "Chỉ thị về tăng cường quản lý an toàn lao động trong thi công "
     "xây dựng mùa mưa bão", "Yêu cầu các chủ đầu tư rà soát biện pháp an toàn.",
     ["vietri", "phuninh"], "approved"),
    ("sotuphap", T.PLAN, "Kế hoạch phổ biến, giáo dục pháp luật năm 2027",
     "Tổ chức các hội nghị phổ biến pháp luật tại cơ sở.", ["vietri"], "reviewed"),
    ("sotuphap", T.REPORT, "Báo cáo công tác bồi thường nhà nước năm 2026",
     "Không phát sinh yêu cầu bồi thường.", ["soxaydung"], "in_review"),
    ("vietri", T.PLAN, "Kế hoạch tổ chức Tết Nguyên đán Bính Ngọ an toàn, tiết kiệm",
     "Bảo đảm an ninh trật tự, vệ sinh môi trường dịp Tết.", ["phuninh"], "draft"),
    ("phuninh", T.REPORT, "Báo cáo tiến độ xây dựng nông thôn mới nâng cao năm 2026",
     "Xã đạt 17/19 tiêu chí.", ["sotuphap"], "draft"),
]
STEPS = ["draft", "in_review", "reviewed", "approved", "signed", "sealed", "issued",
         "arrived", "registered", "directed", "assigned", "completed"]

EXTERNAL = [
    ("soxaydung", "000.00.01.H26", "Bộ Xây dựng", T.DECISION, "125/QĐ-BXD",
     "Quyết định công bố thủ tục hành chính được sửa đổi trong lĩnh vực hoạt động xây dựng",
     "Công bố kèm theo Quyết định này 12 thủ tục hành chính được sửa đổi, bổ sung."),
    ("sotuphap", "000.00.01.H41", "Bộ Tư pháp", T.OFFICIAL_LETTER, "4210/BTP-HTQTCT",
     "V/v triển khai cấp bản sao trích lục hộ tịch điện tử",
     "Bộ Tư pháp đề nghị Sở Tư pháp các tỉnh triển khai cấp bản sao trích lục điện tử."),
    ("vietri", "000.00.00.G22", "Văn phòng Chính phủ", T.NOTICE, "512/TB-VPCP",
     "Thông báo kết luận của Thủ tướng Chính phủ tại Hội nghị trực tuyến về chuyển đổi số",
     "Yêu cầu các địa phương đẩy mạnh cung cấp dịch vụ công trực tuyến toàn trình."),
]


def _advance(document: Document, sender: Office, to: str) -> Document:
    goal = STEPS.index(to)
    if goal >= STEPS.index("in_review"):
        document = services.submit(sender.specialist, document)
    if goal >= STEPS.index("reviewed"):
        document = services.review(sender.head, document, note="Đạt yêu cầu về thể thức.")
    if goal >= STEPS.index("approved"):
        document = services.approve(sender.leader, document)
    if goal >= STEPS.index("signed"):
        document = services.sign(sender.leader, document)
    if goal >= STEPS.index("sealed"):
        document = services.seal(sender.clerk, document)
    if goal >= STEPS.index("issued"):
        document = services.issue(sender.clerk, document)
    return document


def _work(copy: Document, office: Office, to: str, overdue: bool, days: int = 5) -> None:
    goal = STEPS.index(to)
    if goal >= STEPS.index("registered"):
        copy = services.register(office.clerk, copy)
    if goal >= STEPS.index("directed"):
        copy = services.direct(office.leader, copy, note="Giao chuyên viên tham mưu, báo cáo "
                                                         "kết quả.")
    if goal >= STEPS.index("assigned"):
        copy = services.assign(office.leader, copy, assignee=office.specialist,
                               unit="Văn phòng", days=days)
        if overdue:  # a reminder to see in the demo: its deadline already past
            Document.objects.filter(pk=copy.pk).update(
                due_at=timezone.now() - timedelta(days=1))
    if goal >= STEPS.index("completed"):
        services.complete(office.specialist, copy, note="Đã thực hiện.")


def load_demo_documents() -> int:
    """The demo documents; returns how many documents were made (0 if already there). A
    leader without a key (make_demo_pki not run) takes his or her documents only as far as
    approval."""
    offices = {slug: o for slug in AGENCIES if (o := _office(slug)) is not None}
    if len(offices) < len(AGENCIES):
        return 0
    if Document.objects.filter(agency__in=[o.agency for o in offices.values()]).exists():
        return 0
    signable = {slug: _can_sign(o) for slug, o in offices.items()}
    before, worked = Document.objects.count(), 0
    for slug, doc_type, subject, content, to_slugs, goal in OUTGOING:
        sender = offices[slug]
        if STEPS.index(goal) >= STEPS.index("signed") and not signable[slug]:
            goal = "approved"  # no key for the leader (make_demo_pki not run)
        document = services.create_draft(sender.specialist, services.DraftInput(
            doc_type, subject, content, recipient_agencies=[offices[s].agency
                                                            for s in to_slugs]))
        document = _advance(document, sender, min(goal, "issued", key=STEPS.index))
        if document.status == Status.ISSUED and STEPS.index(goal) > STEPS.index("issued"):
            for copy in Document.objects.filter(source=document).select_related("agency"):
                office = next(o for o in offices.values() if o.agency == copy.agency)
                # Of those left in progress, one late, one due within two working days: the
                # reminder queues show.
                worked += goal == "assigned"
                _work(copy, office, goal, overdue=(worked % 3 == 1),
                      days=1 if worked % 3 == 2 else 5)
    for slug, organ, name, doc_type, notation, subject, text in EXTERNAL:
        day = timezone.localdate() - timedelta(days=3)
        outside.receive_external(offices[slug].agency, outside.ExternalDocument(
            sender_organ_id=organ, sender_name=name,
            document_id=f"{organ},{day:%Y/%m/%d},{notation}", doc_type=doc_type,
            subject=subject, notation=notation, files=[("noi-dung.txt", text.encode())]))
    return Document.objects.count() - before
