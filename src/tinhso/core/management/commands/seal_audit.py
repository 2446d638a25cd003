"""`tinhso seal_audit [--every N] [--public-key]`: link new audit entries, sign a checkpoint."""

import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError

from tinhso.core import audit


class Command(BaseCommand):
    help = ("Niêm phong nhật ký kiểm toán: liên kết các bản ghi mới vào chuỗi và ghi một mốc "
            "kiểm chứng đã ký vào bảng và vào tệp neo (--every N: lặp lại sau mỗi N giây).")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0,
                            help="Chạy lặp lại sau mỗi bấy nhiêu giây (0: chạy một lần).")
        parser.add_argument("--public-key", action="store_true",
                            help="Chỉ in khóa công khai (PEM) dùng để kiểm tra các mốc.")

    def handle(self, *args, every, public_key, **options):
        if public_key:
            self.stdout.write(audit.public_key_pem(), ending="")
            return
        while True:
            try:
                report = audit.seal()
            except DatabaseError as exc:
                if every <= 0:
                    raise
                self.stderr.write(f"Niêm phong nhật ký lỗi, thử lại sau {every} s: {exc}")
            else:
                if report.checkpoint is not None or every <= 0:
                    head = f"{report.head[0]}:{report.head[1]}" if report.head else "—"
                    self.stdout.write(f"Niêm phong {report.sealed} bản ghi; đầu chuỗi {head}"
                                      + (" (bỏ qua: tiến trình khác đang niêm phong)"
                                         if report.skipped else ""))
            if every <= 0:
                return
            time.sleep(every)
