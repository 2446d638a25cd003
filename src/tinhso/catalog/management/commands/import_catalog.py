import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tinhso.catalog import services
from tinhso.catalog.exchange.importer import import_document, read_file
from tinhso.catalog.exchange.report import write_report
from tinhso.catalog.placement import place
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = ("Nhập danh mục thủ tục từ tệp .json hoặc .xlsx (có thể nén .xz): nhập các thủ tục "
            "hợp lệ, liệt kê các thủ tục bị từ chối theo mã (ra màn hình và ra tệp báo cáo); "
            "trả mã lỗi khác 0 nếu có thủ tục bị từ chối.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="Tên đăng nhập của quản trị viên thực hiện "
                            "(mặc định: hệ thống).")
        parser.add_argument("--dry-run", action="store_true",
                            help="Chỉ kiểm tra và cho biết sẽ thay đổi gì; không ghi gì.")
        parser.add_argument("--place", action="store_true", dest="place_bodies",
                            help="Thủ tục chưa ghi cơ quan (như trong CSDL quốc gia) được giao "
                            "cho cơ quan của tỉnh theo cơ quan thực hiện đã công bố; thủ tục "
                            "không tìm được cơ quan vẫn bị từ chối.")
        parser.add_argument("--report", help="Tệp báo cáo (mặc định: var/import-catalog-"
                            "<thời điểm>.txt).")

    def handle(self, *args, file, user=None, dry_run=False, place_bodies=False, report=None,
               **options):
        actor = services.SYSTEM
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{user}”.")
        started = time.perf_counter()
        try:
            document = read_file(file)
            placed = place(document) if place_bodies else 0
            result = import_document(actor, document, dry_run=dry_run)
        except DomainError as exc:
            for problem in (exc.details or [])[:200]:
                where = ", ".join(x for x in (problem["where"], problem["field"]) if x)
                self.stderr.write(f"{where}: {problem['message']}")
            raise CommandError(str(exc.message)) from None
        elapsed = time.perf_counter() - started
        path = Path(report or settings.VAR_DIR / (
            f"import-catalog-{timezone.localtime():%Y%m%d-%H%M%S}.txt"))
        text = write_report(result, source=file, seconds=elapsed)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(text)
        if place_bodies:
            self.stdout.write(f"Đã giao cơ quan theo cơ quan thực hiện cho {placed} thủ tục.")
        self.stdout.write(f"Báo cáo đã ghi vào {path}")
        if result.refused:
            raise CommandError(f"{result.refused} thủ tục bị từ chối (xem báo cáo {path}).")
