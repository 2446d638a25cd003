"""`tinhso load_units`: the 34 provinces and 3,321 communes from `vietnam-provinces`."""

import time

from django.core.management import BaseCommand

from tinhso.core.units import load_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính hai cấp (từ 01/7/2025). Chạy lại không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", action="append", dest="provinces", metavar="MÃ",
            help="Chỉ nạp tỉnh/thành phố có mã này (có thể lặp lại).",
        )

    def handle(self, *args, provinces=None, **options):
        started = time.monotonic()
        results = load_units(provinces)
        labels = {"provinces": "Tỉnh/thành phố", "communes": "Xã/phường/đặc khu"}
        for key, result in results.items():
            self.stdout.write(
                f"{labels[key]}: tạo mới {result.created}, cập nhật {result.updated}, "
                f"không đổi {result.unchanged}"
            )
        self.stdout.write(self.style.SUCCESS(
            f"Xong trong {time.monotonic() - started:.2f} giây."
        ))
