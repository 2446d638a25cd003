"""`tinhso load_demo_portal`: demo citizens at /idp/ and their earlier dossiers."""

from django.core.management import BaseCommand

from tinhso.idp.demo import demo_password
from tinhso.portal import demo

# The label of the header's button that takes a citizen to the provider (templates/base.html).
SIGN_IN_BUTTON = "Đăng nhập"


class Command(BaseCommand):
    help = ("Cổng dịch vụ công mẫu: đăng ký ứng dụng với nhà cung cấp định danh mẫu (/idp/), "
            "tạo công dân mẫu và hai hồ sơ cũ của công dân thứ nhất. Chạy lại an toàn.")

    def handle(self, *args, **options):
        citizens, dossiers = demo.load()
        self.stdout.write(f"Công dân mẫu (nút “{SIGN_IN_BUTTON}” ở đầu trang → trang "
                          "/idp/login/):")
        for identity, created in citizens:
            note = "" if created else " (đã có; mật khẩu giữ nguyên)"
            self.stdout.write(f"  số định danh {identity.personal_id}  {identity.full_name:<15}"
                              f"  mật khẩu {demo_password()}{note}")
        for dossier in dossiers:
            self.stdout.write(f"  hồ sơ mẫu {dossier.code}: {dossier.get_status_display()}")
