"""`tinhso tsa --port 8400`: the demo's RFC 3161 time-stamping authority."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.simulators import serve
from tinhso.integrations.timestamping.simulator import make_server
from tinhso.signing.pki import DemoPki


class Command(BaseCommand):
    help = ("Chạy máy chủ cấp dấu thời gian (RFC 3161) giả lập, chứng thư do PKI mẫu cấp. "
            "Đặt TINHSO_SIGNING_TSA_URL=http://HOST:PORT/ để chữ ký số có dấu thời gian.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8400)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port, DemoPki(settings.TINHSO_SIGNING_PKI_DIR))
        serve(server, self.stdout.write, f"Máy chủ dấu thời gian giả lập: http://{host}:{port}/")
