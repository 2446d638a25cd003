"""`tinhso payment_gateway --port 8100`: the payment gateway simulator as its own HTTP service."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.payments.simulator import make_server


class Command(BaseCommand):
    help = ("Chạy cổng thanh toán giả lập (chuyển hướng có ký, trang xác nhận, thông báo "
            "IPN ký HMAC về máy chủ Tỉnh số). Dùng cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port,
                             {settings.TINHSO_PAYMENT_MERCHANT: settings.TINHSO_PAYMENT_SECRET})
        self.stdout.write(f"Cổng thanh toán giả lập: http://{host}:{port}/pay (Ctrl+C để dừng)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
