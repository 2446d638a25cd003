"""`tinhso load_index_definition [FILE]`: install (and activate) an index definition."""

import json
from pathlib import Path

from django.core.management import BaseCommand, CommandError

from tinhso.metrics.definition_check import DefinitionError
from tinhso.metrics.definitions import install, install_shipped


class Command(BaseCommand):
    help = ("Nạp phiên bản bộ chỉ số từ tệp JSON (mặc định: phiên bản đi kèm) và đặt làm "
            "phiên bản đang áp dụng.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="Tệp JSON định nghĩa bộ chỉ số.")
        parser.add_argument("--inactive", action="store_true",
                            help="Chỉ lưu, không đặt làm phiên bản đang áp dụng.")

    def handle(self, *args, file, inactive, **options):
        try:
            if file:
                data = json.loads(Path(file).read_text(encoding="utf-8"))
                row = install(data, activate=not inactive)
            else:
                row = install_shipped()
        except (OSError, ValueError) as exc:
            if isinstance(exc, DefinitionError):
                raise CommandError("; ".join(exc.messages)) from exc
            raise CommandError(f"Không đọc được tệp: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(
            f"Đã nạp bộ chỉ số {row.version}{' (đang áp dụng)' if row.is_active else ''}."))
