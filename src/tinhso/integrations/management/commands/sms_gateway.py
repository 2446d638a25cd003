"""`tinhso sms_gateway --port 8260`: the SMS brandname gateway's simulator (eSMS.vn API)."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.simulators import serve
from tinhso.integrations.sms.simulator import make_server


class Command(BaseCommand):
    help = ("Chạy cổng SMS brandname giả lập (giao thức JSON của eSMS.vn: nhận tin, kiểm tra khoá, "
            "brandname, số điện thoại; giữ lại và hiển thị tin đã nhận), cho bản chạy thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8260)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port, api_key=settings.TINHSO_SMS_API_KEY,
                             secret=settings.TINHSO_SMS_SECRET,
                             brandname=settings.TINHSO_SMS_BRANDNAME)
        serve(server, self.stdout.write,
              f"Cổng SMS giả lập: http://{host}:{port}/ (tin nhắn đã nhận)")
