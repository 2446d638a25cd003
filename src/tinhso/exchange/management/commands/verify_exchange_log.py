"""`tinhso verify_exchange_log`: check the whole message log; exit 1 naming the first altered
or missing record."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.audit import load_public_key
from tinhso.exchange import log


class Command(BaseCommand):
    help = "Kiểm tra toàn bộ nhật ký trao đổi của cổng LGSP (chuỗi băm và các lô đã ký)."

    def add_arguments(self, parser):
        parser.add_argument("--public-key", action="append", default=None,
                            help="Tệp PEM khóa công khai Ed25519 của cổng (có thể lặp lại); "
                                 "mặc định: khóa của cổng này.")
        parser.add_argument("--anchor", default=None, help="Tệp neo (mặc định theo cấu hình).")

    def handle(self, *args, **options):
        keys = None
        if options["public_key"]:
            keys = [load_public_key(Path(p).read_text()) for p in options["public_key"]]
        problems = log.verify(anchor_path=options["anchor"], public_keys=keys)
        count = log.MessageRecord.objects.count()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nhật ký trao đổi KHÔNG toàn vẹn: bản ghi đầu tiên có vấn đề "
                               f"là #{problems[0].seq} ({problems[0].reason}); "
                               f"{len(problems)} vấn đề.")
        self.stdout.write(f"Nhật ký trao đổi toàn vẹn: {count} bản ghi.")
