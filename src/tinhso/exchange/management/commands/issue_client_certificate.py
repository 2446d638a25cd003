"""`tinhso issue_client_certificate GOV/000.00.00.H44/MOTCUA --out DIR`: the demo CA issues a
client system its certificate for mutual TLS at the gateway and registers it (audited)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from tinhso.core.errors import DomainError
from tinhso.core.models import User
from tinhso.core.roles import Role
from tinhso.exchange import client_certificates, services
from tinhso.exchange.models import MemberSystem
from tinhso.signing.pki import DemoPki


def operator(username: str):
    """--as USERNAME, else the first active superuser or system administrator."""
    users = User.objects.filter(is_active=True)
    if username:
        user = users.filter(username=username).first()
    else:
        user = (users.filter(Q(is_superuser=True) | Q(roles__role=Role.SYSTEM_ADMIN))
                .order_by("id").first())
    if user is None or not services.is_operator(user):
        raise CommandError("Cần một tài khoản quản trị hệ thống (--as TÊN).")
    return user


def member_system(identifier: str) -> MemberSystem:
    system = MemberSystem.objects.filter(identifier=identifier).first()
    if system is None:
        raise CommandError(f"Chưa đăng ký hệ thống {identifier}.")
    return system


def demo_pki(folder) -> DemoPki:
    if settings.PRODUCTION and folder is None:
        raise CommandError("Không dùng CA mẫu khi TINHSO_PRODUCTION bật: chứng thư do CA của "
                           "tỉnh cấp, đăng ký dấu vân tay qua API (docs/exchange.md).")
    return DemoPki(folder or settings.TINHSO_SIGNING_PKI_DIR)


class Command(BaseCommand):
    help = ("Cấp chứng thư TLS (CA mẫu) cho một hệ thống khách của LGSP và đăng ký nó; ghi khóa "
            "và chứng thư vào thư mục --out.")

    def add_arguments(self, parser):
        parser.add_argument("system", help="Ví dụ: GOV/000.00.00.H44/MOTCUA")
        parser.add_argument("--out", required=True, help="Thư mục ghi <định danh>.pem/.key")
        parser.add_argument("--days", type=int, default=365)
        parser.add_argument("--pki-dir", default=None,
                            help="Thư mục PKI (mặc định TINHSO_SIGNING_PKI_DIR).")
        parser.add_argument("--as", dest="username", default="")

    def handle(self, *args, **options):
        actor = operator(options["username"])
        system = member_system(options["system"])
        pki = demo_pki(options["pki_dir"])
        try:
            issued = client_certificates.issue(actor, system, pki, options["out"],
                                               days=options["days"])
        except DomainError as exc:
            raise CommandError(str(exc)) from None
        credential = issued.credential
        self.stdout.write(
            f"Đã cấp và đăng ký chứng thư TLS cho {system.identifier}: số hiệu "
            f"{credential.cert_serial}, SHA-256 {credential.cert_fingerprint}, hiệu lực đến "
            f"{credential.valid_to:%Y-%m-%d}.\n"
            f"Chứng thư: {issued.certificate_path}\nKhóa riêng: {issued.key_path}")
