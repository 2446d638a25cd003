"""`tinhso gateway`: the LGSP gateway, its own asynchronous process (docs/exchange.md)."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy cổng trao đổi dữ liệu LGSP (xác thực, phân quyền, chuyển tiếp, nhật ký)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=settings.TINHSO_GATEWAY_HOST)
        parser.add_argument("--port", type=int, default=settings.TINHSO_GATEWAY_PORT)

    def handle(self, *args, **options):
        from tinhso.exchange.gateway import run

        scheme = "https" if settings.TINHSO_GATEWAY_TLS_CERT else "http"
        mutual = (", chứng thư TLS của hệ thống khách được chấp nhận"
                  if settings.TINHSO_GATEWAY_TLS_CERT and settings.TINHSO_GATEWAY_TLS_CLIENT_CA
                  else "")
        self.stdout.write(f"Cổng LGSP: {scheme}://{options['host']}:{options['port']}/ "
                          f"(dịch vụ dưới /r1/..., tình trạng ở /healthz{mutual})")
        self.stdout.flush()
        run(options["host"], options["port"])
