"""`tinhso verify_metrics`: recompute the index from raw dossiers; exit 1 on any difference."""

import sys

from django.core.management import BaseCommand

from tinhso.metrics import periods
from tinhso.metrics.aggregation import local_today
from tinhso.metrics.verify import rollup_mismatches, verify


class Command(BaseCommand):
    help = ("Tính lại chỉ số từ hồ sơ gốc và so sánh với số liệu tổng hợp; "
            "trả mã lỗi 1 nếu có khác biệt.")

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[],
                            help="Kỳ cần kiểm tra (2026-08, 2026-Q3, 2026, "
                                 "2026-08-01..2026-08-31); lặp lại được. Mặc định: tháng này, "
                                 "tháng trước, quý này và năm nay.")

    def handle(self, *args, period, **options):
        today = local_today()
        if period:
            chosen = [periods.parse(p) for p in period]
        else:
            this_month = periods.month(today)
            chosen = [this_month, this_month.previous(), periods.quarter(today),
                      periods.parse(str(today.year))]
        failed = False
        for check in verify(chosen, today=today):
            mark = "KHỚP" if check.ok else "KHÔNG KHỚP"
            self.stdout.write(
                f"{check.period.code:>24} (đến {check.until:%d/%m/%Y}): {mark}; đúng hạn "
                f"{check.on_time:,}/{check.judged:,} tính lại, "
                f"{check.aggregate_on_time:,}/{check.aggregate_judged:,} tổng hợp")
            for line in check.mismatches[:20]:
                self.stdout.write(f"    {line}")
            if len(check.mismatches) > 20:
                self.stdout.write(f"    … và {len(check.mismatches) - 20} khác biệt nữa")
            failed |= not check.ok
        rollups = rollup_mismatches()
        if rollups:
            failed = True
            self.stdout.write("Tổng theo tháng khác tổng theo ngày: KHÔNG KHỚP")
            for line in rollups[:20]:
                self.stdout.write(f"    {line}")
        if failed:
            self.stderr.write("Số liệu tổng hợp không khớp với hồ sơ gốc.")
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("Số liệu tổng hợp khớp với hồ sơ gốc."))
