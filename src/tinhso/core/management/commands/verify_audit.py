"""Check the audit log's hash chain; exit 1 and name each bad row when it is not intact."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.core import audit
from tinhso.core.models import AuditEntry


class Command(BaseCommand):
    help = "Kiểm tra tính toàn vẹn của nhật ký kiểm toán (chuỗi mã băm)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="Đầu chuỗi đã ghi lại ở nơi khác từ lần kiểm tra trước; phát hiện việc cắt đuôi.",
        )

    def handle(self, *args, expect_head=None, **options):
        expected = None
        if expect_head:
            try:
                expected = audit.parse_head(expect_head)
            except ValueError:
                raise CommandError(
                    "--expect-head phải có dạng SEQ:HASH (HASH gồm 64 ký tự hex)."
                ) from None
        problems = audit.verify(expect_head=expected)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nhật ký kiểm toán không toàn vẹn: {len(problems)} vấn đề.")
        count = AuditEntry.objects.count()
        self.stdout.write(f"Nhật ký kiểm toán toàn vẹn: {count} bản ghi")
        head = audit.chain_head()
        if head:
            # Kept outside the database, this pins the tail (see core.audit).
            self.stdout.write(f"Đầu chuỗi: {head[0]}:{head[1]}")
