"""`tinhso edata_store --port 8240`: the national personal e-data store's simulator."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.edata.simulator import make_server
from tinhso.integrations.simulators import serve


class Command(BaseCommand):
    help = ("Chạy kho quản lý dữ liệu điện tử của tổ chức, cá nhân giả lập (nhận giấy tờ, kết quả "
            "của hồ sơ, PUT /v1/owners/<số định danh>/dossiers/<mã hồ sơ>), cho bản chạy thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8240)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port, settings.TINHSO_EDATA_TOKEN)
        serve(server, self.stdout.write, f"Kho dữ liệu điện tử giả lập: http://{host}:{port}/")
