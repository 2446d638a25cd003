import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.catalog import services
from tinhso.catalog.demo import DATA, load_demo_catalog
from tinhso.catalog.exchange.report import write_report
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = ("Nạp danh mục thủ tục thật (Cơ sở dữ liệu quốc gia về TTHC) cho tỉnh demo (chạy sau "
            "load_demo_province; chạy lại không tạo thêm gì nếu nội dung không đổi).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            report = load_demo_catalog(services.SYSTEM)
        except DomainError as exc:
            for problem in (exc.details or [])[:50]:
                self.stderr.write(f"{problem['where']} {problem['field']}: {problem['message']}")
            raise CommandError(str(exc.message)) from None
        text = write_report(report, source=DATA.name, seconds=time.perf_counter() - started)
        path = settings.VAR_DIR / "demo-catalog-report.txt"
        path.write_text(text, encoding="utf-8")
        # The totals here; what was left out or flagged, by code, in the file.
        self.stdout.write(text.split("\nThủ tục bị từ chối")[0].split("\nCảnh báo")[0])
        self.stdout.write(f"Chi tiết (thủ tục không nạp được, cảnh báo): {path}")
