"""`tinhso load_demo_province`: Phú Thọ's agencies, one-stop desks and demo staff accounts."""

import time

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.core.demo import PHU_THO, load_demo_province
from tinhso.core.models import AdministrativeUnit
from tinhso.core.units import load_units

# The footer's link to the staff sign-in page (templates/base.html).
STAFF_SIGN_IN_LINK = "Cán bộ đăng nhập"


class Command(BaseCommand):
    help = ("Nạp tỉnh mẫu Phú Thọ: UBND tỉnh, các sở, UBND 148 xã/phường, bộ phận một cửa và "
            "tài khoản cán bộ mẫu (mật khẩu lấy từ TINHSO_DEMO_PASSWORD). Chạy lại an toàn.")

    def add_arguments(self, parser):
        parser.add_argument("--reset-passwords", action="store_true",
                            help="Đặt lại mật khẩu mẫu cho cả các tài khoản mẫu đã có.")

    def handle(self, *args, reset_passwords=False, **options):
        started = time.monotonic()
        spec = PHU_THO
        if spec.province_code != settings.TINHSO_PROVINCE_CODE:
            self.stderr.write(self.style.WARNING(
                f"TINHSO_PROVINCE_CODE={settings.TINHSO_PROVINCE_CODE}, nhưng dữ liệu mẫu là "
                f"của tỉnh mã {spec.province_code}."
            ))
        if not AdministrativeUnit.objects.filter(
            parent__code=spec.province_code, level=AdministrativeUnit.Level.COMMUNE
        ).exists():
            self.stdout.write("Chưa có đơn vị hành chính, nạp danh mục trước…")
            results = load_units()
            self.stdout.write(
                f"Đã nạp {sum(r.created for r in results.values())} đơn vị hành chính."
            )
        result = load_demo_province(spec, reset_passwords=reset_passwords)
        self.stdout.write(
            f"Cơ quan: tạo mới {result.agencies_created}, cập nhật {result.agencies_updated}, "
            f"không đổi {result.agencies_unchanged}. Bộ phận một cửa: tạo mới "
            f"{result.desks_created}. Tài khoản: tạo mới {result.accounts_created}."
        )
        self._print_accounts(result.accounts)
        self.stdout.write(f"Cán bộ đăng nhập qua liên kết “{STAFF_SIGN_IN_LINK}” cuối trang "
                          "(trang /login/).")
        self.stdout.write(self.style.SUCCESS(
            f"Xong trong {time.monotonic() - started:.2f} giây."
        ))

    def _print_accounts(self, rows) -> None:
        header = ("Tài khoản", "Vai trò", "Cơ quan", "Mật khẩu")
        table = [header] + [(r.username, r.role, r.agency, r.password) for r in rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for i, row in enumerate(table):
            self.stdout.write("  ".join(
                cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
            if i == 0:
                self.stdout.write("  ".join("-" * w for w in widths))
