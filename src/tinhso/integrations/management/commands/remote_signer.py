"""`tinhso remote_signer --port 8300`: the remote (SIM/HSM) signing service simulator."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.remote_signing.simulator import Service, make_server
from tinhso.integrations.simulators import serve


class Command(BaseCommand):
    help = ("Chạy dịch vụ ký số từ xa giả lập (giao thức CSC v2 rút gọn: credentials/info, "
            "signatures/signHash), giữ khóa của PKI mẫu. Dùng cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8300)
        parser.add_argument("--dir", default=None,
                            help="thư mục khóa (mặc định TINHSO_SIGNING_PKI_DIR)")
        parser.add_argument("--confirm-seconds", type=float, default=0.0,
                            help="thời gian người ký xác nhận trên điện thoại (giả lập)")

    def handle(self, *args, host, port, dir, confirm_seconds, **options):
        service = Service(dir or settings.TINHSO_SIGNING_PKI_DIR,
                          settings.TINHSO_SIGNING_PKCS12_PASSWORD,
                          settings.TINHSO_SIGNING_REMOTE_TOKEN,
                          confirm_seconds=confirm_seconds)
        server = make_server(host, port, service)
        serve(server, self.stdout.write,
              f"Dịch vụ ký số từ xa giả lập: http://{host}:{port} (khóa tại {service.folder})")
