"""`tinhso seed_dossiers --count N`: realistic dossiers for the loaded province, in bulk."""

from django.core.management import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.dossiers import seeding
from tinhso.dossiers.models import Status


class Command(BaseCommand):
    help = ("Tạo hồ sơ mẫu (đi qua đúng máy trạng thái) cho tỉnh đã nạp: cơ quan và thủ tục "
            "đã công bố phải có sẵn.")

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="Số hồ sơ cần tạo.")
        parser.add_argument("--months", type=int, default=12,
                            help="Trải đều trong bấy nhiêu tháng gần nhất (mặc định 12).")
        parser.add_argument("--seed", type=int, default=42,
                            help="Hạt giống ngẫu nhiên: cùng hạt giống cho cùng dữ liệu.")
        parser.add_argument("--agency", help="Chỉ tạo cho cơ quan có mã định danh này.")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, count, months, seed, agency, batch_size, **options):
        if count <= 0 or months <= 0 or batch_size <= 0:
            raise CommandError("--count, --months và --batch-size phải là số dương.")
        try:
            report = seeding.seed(count, months, seed, agency=agency, batch_size=batch_size,
                           progress=self._progress(count))
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        seeding.analyze()
        self._summary(report)

    def _progress(self, total):
        def show(report: seeding.SeedReport):
            self.stdout.write(f"  {report.count:>10,}/{total:,} hồ sơ  "
                              f"{report.seconds:7.1f} s  {report.rate:8,.0f} hồ sơ/s")
        return show

    def _summary(self, r: seeding.SeedReport) -> None:
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo {r.count:,} hồ sơ trong {r.seconds:.1f} s ({r.rate:,.0f} hồ sơ/s)."))
        for status, n in sorted(r.by_status.items()):
            self.stdout.write(f"  {Status(status).label:<40} {n:>10,}  "
                              f"{100 * n / r.count:5.1f}%")
        if r.count:
            self.stdout.write(
                f"  Đúng hạn: {100 * r.on_time_share:.1f}% của {r.judged:,} hồ sơ được tính; "
                f"trực tuyến {100 * r.online / r.count:.1f}%; "
                f"có yêu cầu bổ sung {100 * r.supplemented / r.count:.1f}%.")

