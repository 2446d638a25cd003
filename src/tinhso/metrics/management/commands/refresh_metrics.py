"""`tinhso refresh_metrics [--full] [--every N]`: bring the index aggregates up to date."""

import time

from django.core.management import BaseCommand
from django.db import DatabaseError

from tinhso.metrics.aggregation import refresh, vacuum
from tinhso.metrics.selectors import warm


class Command(BaseCommand):
    help = ("Cập nhật số liệu tổng hợp của Bộ chỉ số phục vụ từ diễn biến hồ sơ mới "
            "(--full: tính lại toàn bộ).")

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Tính lại toàn bộ từ đầu.")
        parser.add_argument("--every", type=int, default=0,
                            help="Chạy lặp lại sau mỗi bấy nhiêu giây (0: chạy một lần).")

    def handle(self, *args, full, every, **options):
        while True:
            try:
                report = refresh(full=full, then=warm)
            except DatabaseError as exc:
                if every <= 0:
                    raise
                self.stderr.write(f"Cập nhật chỉ số lỗi, thử lại sau {every} s: {exc}")
                time.sleep(every)
                continue
            self.stdout.write(
                f"{'Tính lại toàn bộ' if report.full else 'Cập nhật'}: {report.dossiers:,} hồ sơ "
                f"trong {report.seconds:.2f} s (diễn biến đến #{report.last_event_id}).")
            if report.full:
                vacuum()
            if every <= 0:
                return
            full = False
            time.sleep(every)
