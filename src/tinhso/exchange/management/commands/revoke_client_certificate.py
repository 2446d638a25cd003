"""`tinhso revoke_client_certificate GOV/000.00.00.H44/MOTCUA [--serial HEX]`: revoke a client
system's TLS certificates in the registry (audited) and on the demo CA's CRL."""

from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.exchange import client_certificates

from .issue_client_certificate import demo_pki, member_system, operator


class Command(BaseCommand):
    help = "Thu hồi chứng thư TLS của một hệ thống khách (đăng ký LGSP và CRL của CA mẫu)."

    def add_arguments(self, parser):
        parser.add_argument("system", help="Ví dụ: GOV/000.00.00.H44/MOTCUA")
        parser.add_argument("--serial", default="", help="Số hiệu (hệ 16); mặc định: tất cả.")
        parser.add_argument("--pki-dir", default=None)
        parser.add_argument("--as", dest="username", default="")

    def handle(self, *args, **options):
        actor = operator(options["username"])
        system = member_system(options["system"])
        pki = demo_pki(options["pki_dir"])
        try:
            revoked = client_certificates.revoke(actor, system, pki, options["serial"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        serials = ", ".join(c.cert_serial or f"#{c.pk}" for c in revoked)
        self.stdout.write(f"Đã thu hồi chứng thư TLS của {system.identifier}: {serials}. "
                          f"CRL cập nhật tại {pki.folder / 'ca.crl'}.")
