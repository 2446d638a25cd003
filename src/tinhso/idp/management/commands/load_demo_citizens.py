"""`tinhso load_demo_citizens`: register the portal with the demo provider, make citizens."""

from django.core.management import BaseCommand

from tinhso.idp import demo

# The label of the provider's own sign-in button (templates/idp/login.html).
SIGN_IN_BUTTON = "Đăng nhập"


class Command(BaseCommand):
    help = ("Đăng ký Cổng dịch vụ công với nhà cung cấp định danh mẫu (/idp/) và tạo công dân "
            "mẫu; in số định danh và mật khẩu để đăng nhập. Chạy lại an toàn.")

    def add_arguments(self, parser):
        parser.add_argument("--redirect-uri", action="append", dest="uris",
                            help="Địa chỉ callback được phép (lặp lại được); mặc định "
                                 "http://127.0.0.1/oidc/callback/ (mọi cổng) và localhost:8000.")

    def handle(self, *args, uris=None, **options):
        rows = demo.load(uris)
        self.stdout.write(f"Công dân mẫu (đăng nhập tại /idp/login/, nút “{SIGN_IN_BUTTON}”):")
        password = demo.demo_password()
        for identity, created in rows:
            note = "" if created else " (đã có, giữ mật khẩu cũ)"
            self.stdout.write(f"  {identity.personal_id}  {identity.full_name:<16} "
                              f"mật khẩu: {password}{note}")
