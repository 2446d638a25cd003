import time

from django.core.management.base import BaseCommand, CommandError

from tinhso.catalog import services
from tinhso.catalog.demo import load_demo_catalog
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = ("Nạp danh mục thủ tục mẫu cho tỉnh demo (chạy sau load_demo_province; "
            "chạy lại không tạo thêm gì nếu nội dung không đổi).")

    def handle(self, *args, **options):
        started = time.perf_counter()
        try:
            report = load_demo_catalog(services.SYSTEM)
        except DomainError as exc:
            for problem in (exc.details or [])[:50]:
                self.stderr.write(f"{problem['where']} {problem['field']}: {problem['message']}")
            raise CommandError(str(exc.message)) from None
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{k}={v}" for k, v in report.as_dict().items())
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp danh mục thủ tục mẫu ({elapsed:.1f} s): {summary}"))
