import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tinhso.catalog import services
from tinhso.catalog.exchange.importer import import_file
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục từ tệp .json hoặc .xlsx (tất cả hoặc không gì cả)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", help="Tên đăng nhập của quản trị viên thực hiện "
                            "(mặc định: hệ thống).")

    def handle(self, *args, file, user=None, **options):
        actor = services.SYSTEM
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có tài khoản “{user}”.")
        started = time.perf_counter()
        try:
            report = import_file(actor, file)
        except DomainError as exc:
            for problem in (exc.details or [])[:200]:
                where = ", ".join(x for x in (problem["where"], problem["field"]) if x)
                self.stderr.write(f"{where}: {problem['message']}")
            raise CommandError(str(exc.message)) from None
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{k}={v}" for k, v in report.as_dict().items())
        self.stdout.write(self.style.SUCCESS(f"Đã nhập danh mục ({elapsed:.1f} s): {summary}"))
