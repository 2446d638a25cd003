import time

from django.core.management.base import BaseCommand, CommandError

from tinhso.catalog.exchange import export_file
from tinhso.core.errors import DomainError


class Command(BaseCommand):
    help = "Xuất danh mục thủ tục đang áp dụng ra tệp .json hoặc .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        started = time.perf_counter()
        try:
            count = export_file(file)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(
            f"Đã xuất {count} thủ tục ra {file} ({elapsed:.1f} s)."))
