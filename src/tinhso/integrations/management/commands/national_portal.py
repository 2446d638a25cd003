"""`tinhso national_portal --port 8200`: the national public service portal's simulator."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.national_portal.simulator import make_server
from tinhso.integrations.simulators import serve


class Command(BaseCommand):
    help = ("Chạy Cổng Dịch vụ công quốc gia giả lập (đồng bộ hồ sơ: /auth, /integration với "
            "DongBoHoSoMC, CapNhatTienDoHoSoMC, TraCuuHoSo), cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8200)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port, {settings.TINHSO_NATIONAL_PORTAL_USERNAME:
                                          settings.TINHSO_NATIONAL_PORTAL_PASSWORD})
        serve(server, self.stdout.write,
              f"Cổng DVC quốc gia giả lập: http://{host}:{port}/ "
              f"(tài khoản {settings.TINHSO_NATIONAL_PORTAL_USERNAME})")
