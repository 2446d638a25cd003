"""Check the audit chain and its signed checkpoints; exit 1 and name each bad row or mark."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.core import audit
from tinhso.core.models import AuditEntry


class Command(BaseCommand):
    help = ("Kiểm tra tính toàn vẹn của nhật ký kiểm toán: chuỗi liên kết có khóa và các mốc "
            "kiểm chứng đã ký (trong cơ sở dữ liệu và trong tệp neo).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor", metavar="FILE",
            help="Tệp neo cần đối chiếu (mặc định TINHSO_AUDIT_ANCHOR_PATH), ví dụ bản sao "
                 "lưu ở máy khác.")
        parser.add_argument(
            "--public-key", metavar="PEM", action="append", default=None,
            help="Khóa công khai Ed25519 (tệp PEM) dùng để kiểm tra chữ ký các mốc; có thể "
                 "nêu nhiều lần. Mặc định: khóa công khai của khóa ký trên máy này.")
        parser.add_argument(
            "--expect-head", metavar="SEQ:HASH",
            help="Đầu chuỗi đã ghi lại ở nơi khác (không bắt buộc: các mốc đã ký làm việc này).")

    def handle(self, *args, anchor=None, public_key=None, expect_head=None, **options):
        expected = None
        if expect_head:
            try:
                expected = audit.parse_head(expect_head)
            except ValueError:
                raise CommandError(
                    "--expect-head phải có dạng SEQ:HASH (HASH gồm 64 ký tự hex)."
                ) from None
        if anchor and not Path(anchor).exists():
            raise CommandError(f"Không có tệp neo {anchor}.")
        keys = None
        if public_key:
            try:
                keys = [audit.load_public_key(Path(p).read_text()) for p in public_key]
            except (OSError, ValueError) as exc:
                raise CommandError(f"Không đọc được khóa công khai: {exc}") from None
        problems = audit.verify(expect_head=expected, anchor_path=anchor, public_keys=keys)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nhật ký kiểm toán không toàn vẹn: {len(problems)} vấn đề.")
        sealed = AuditEntry.objects.filter(seq__isnull=False).count()
        self.stdout.write(f"Nhật ký kiểm toán toàn vẹn: {sealed} bản ghi")
        head = audit.chain_head()
        if head:
            self.stdout.write(f"Đầu chuỗi: {head[0]}:{head[1]}")
        pending = audit.pending_count()
        if pending:
            # Not yet linked: checked once `tinhso seal_audit` has sealed them.
            self.stdout.write(f"Chưa niêm phong: {pending} bản ghi")
