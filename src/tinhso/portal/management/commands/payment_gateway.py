"""`tinhso payment_gateway --port 8100`: a VNPay (API 2.1.0) simulator as its own HTTP service."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.payments.simulator import Merchant, make_server
from tinhso.integrations.payments.vnpay import PAY_PATH


class Command(BaseCommand):
    help = ("Chạy cổng thanh toán giả lập theo giao thức VNPAY 2.1.0 (trang thanh toán "
            "/paymentv2/vpcpay.html, chữ ký vnp_SecureHash HMAC-SHA512, chuyển hướng về "
            "vnp_ReturnUrl và gọi IPN về máy chủ Tỉnh số). Dùng cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8100)
        parser.add_argument("--ipn-url", default=None,
                            help="địa chỉ IPN của Tỉnh số (mặc định TINHSO_PAYMENT_IPN_URL)")

    def handle(self, *args, host, port, ipn_url, **options):
        ipn_url = ipn_url or settings.TINHSO_PAYMENT_IPN_URL
        server = make_server(host, port, {settings.TINHSO_PAYMENT_MERCHANT: Merchant(
            secret=settings.TINHSO_PAYMENT_SECRET, ipn_url=ipn_url)})
        self.stdout.write(f"Cổng thanh toán VNPAY giả lập: http://{host}:{port}{PAY_PATH} "
                          f"(mã website {settings.TINHSO_PAYMENT_MERCHANT}, IPN {ipn_url}; "
                          "Ctrl+C để dừng)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
