"""`tinhso seed_petitions`: a year of demo petitions (PAKN) for the loaded province."""

from django.core.management import BaseCommand

from tinhso.petitions import demo
from tinhso.petitions.models import Petition


class Command(BaseCommand):
    help = "Tạo phản ánh, kiến nghị mẫu của 12 tháng cho tỉnh đã nạp (bỏ qua nếu đã có)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=420,
                            help="Số phản ánh, kiến nghị (mặc định 420).")
        parser.add_argument("--seed", type=int, default=2026,
                            help="Hạt giống ngẫu nhiên: cùng hạt giống, cùng dữ liệu.")

    def handle(self, *args, count, seed, **options):
        if Petition.objects.exists():
            self.stdout.write("Đã có phản ánh, kiến nghị, không tạo thêm.")
            return
        r = demo.seed(count, seed=seed)
        self.stdout.write(
            f"Đã tạo {r.petitions} phản ánh, kiến nghị: {r.answered} đã trả lời "
            f"({r.on_time} đúng hạn), {r.refused} không tiếp nhận, {r.forwarded} được chuyển "
            f"cơ quan có thẩm quyền, {r.open} đang xử lý, {r.rated} được đánh giá.")
