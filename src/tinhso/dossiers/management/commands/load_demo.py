"""`tinhso load_demo`: the demo province, its catalogue and a year of dossiers and petitions.
Safe to rerun."""

import time

from django.conf import settings
from django.core.management import BaseCommand, call_command

from tinhso.dossiers.models import Dossier
from tinhso.dossiers.seeding import signed_results


class Command(BaseCommand):
    help = "Nạp dữ liệu tỉnh mẫu (Phú Thọ): cơ quan, tài khoản, thủ tục và hồ sơ 12 tháng."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=20_000,
                            help="Số hồ sơ tạo lần đầu (mặc định 20.000).")
        parser.add_argument("--signed-results", type=int, default=signed_results.PER_AGENCY,
                            help="Số hồ sơ đã trả kết quả gần nhất của mỗi cơ quan mẫu được "
                                 "lãnh đạo ký số kết quả (mặc định %(default)s).")

    def handle(self, *args, dossiers, **options):
        call_command("load_demo_province", stdout=self.stdout)
        # The leaders' keys and seals before anything is signed (signed results below).
        call_command("make_demo_pki", stdout=self.stdout)
        call_command("load_demo_catalog", stdout=self.stdout)
        if Dossier.objects.exists():
            self.stdout.write("Đã có hồ sơ mẫu, không tạo thêm.")
        else:
            call_command("seed_dossiers", count=dossiers, months=12, stdout=self.stdout)
        # Petitions (PAKN) handled by their agencies: service index 6.1 and 6.2 have data.
        call_command("seed_petitions", stdout=self.stdout)
        # The citizens' portal: demo citizens at /idp/ and their own earlier dossiers.
        if settings.TINHSO_DEMO_IDP:
            call_command("load_demo_portal", stdout=self.stdout)
        else:
            self.stdout.write("Nhà cung cấp định danh mẫu đang tắt (TINHSO_DEMO_IDP): "
                              "không tạo công dân mẫu.")
        # Real PAdES-signed results, with their QR codes, for the dossiers a visitor reaches.
        started = time.perf_counter()
        signed, results = signed_results.sign_recent(options["signed_results"])
        self.stdout.write(f"Ký số kết quả: {results} kết quả của {signed} hồ sơ đã trả gần nhất "
                          f"({time.perf_counter() - started:.1f} s).")
        # Official documents of the demo agencies, signed and sealed with the keys made above.
        call_command("load_demo_documents", stdout=self.stdout)
