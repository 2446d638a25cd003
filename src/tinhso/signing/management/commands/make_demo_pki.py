"""`tinhso make_demo_pki`: the demo's CA, its CRLs, the LGSP gateway's TLS certificate, and
signing keys for the demo's leaders and their agencies' seals (run after load_demo_province).
Re-runs create only what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.core.models import Agency, User
from tinhso.core.roles import Role
from tinhso.signing import keys
from tinhso.signing.pki import DemoPki

# Who signs in the demo: agency leaders sign results and outgoing documents.
SIGNING_ROLES = (Role.AGENCY_LEADER,)


class Command(BaseCommand):
    help = ("Tạo PKI mẫu (CA gốc thay cho CA chuyên dùng Chính phủ, CA cấp dưới, CRL) và khóa ký "
            "cho lãnh đạo và con dấu của các cơ quan mẫu.")

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="Thư mục PKI (mặc định "
                            "TINHSO_SIGNING_PKI_DIR).")
        parser.add_argument("--revoke", metavar="IDENTITY", action="append", default=[],
                            help='Thu hồi chứng thư của "person:<tên đăng nhập>" hoặc '
                                 '"seal:<mã cơ quan>".')

    def handle(self, *args, dir=None, revoke=(), **options):
        folder = dir or settings.TINHSO_SIGNING_PKI_DIR
        if settings.PRODUCTION and dir is None:
            raise CommandError("Không tạo PKI mẫu khi TINHSO_PRODUCTION bật: cấu hình CA thật "
                               "(docs/signing.md).")
        pki = DemoPki(folder)
        pki.issue_tsa()  # for `tinhso tsa`
        # The LGSP gateway's TLS server certificate (TINHSO_GATEWAY_TLS_CERT, docs/exchange.md).
        pki.issue_tls_server(list(dict.fromkeys(
            [settings.TINHSO_GATEWAY_HOST, "127.0.0.1", "localhost"])))
        password = settings.TINHSO_SIGNING_PKCS12_PASSWORD
        leaders = (User.objects.filter(roles__role__in=SIGNING_ROLES, agency__isnull=False,
                                       is_active=True)
                   .select_related("agency").distinct().order_by("username"))
        agencies: dict[str, Agency] = {}
        for user in leaders:
            pki.issue_person(user.username, user.full_name or user.username,
                             str(Role(Role.AGENCY_LEADER).label), user.agency.name, password)
            agencies[user.agency.code] = user.agency
        for code, agency in sorted(agencies.items()):
            pki.issue_seal(code, agency.name, password)
        for identity in revoke:
            path = keys.pkcs12_path(identity, pki.folder)
            if not path.exists():
                raise CommandError(f"Không có chứng thư của {identity}.")
            signer = keys.Pkcs12Signer(path, password)
            pki.revoke(signer.certificate_chain()[0], identity)
            self.stdout.write(f"Đã thu hồi chứng thư của {identity}.")
        if not leaders:
            self.stdout.write("Chưa có lãnh đạo cơ quan nào (chạy tinhso load_demo_province "
                              "trước): chỉ tạo CA và CRL.")
        created = ", ".join(pki.created) or "không có gì mới"
        self.stdout.write(f"PKI mẫu tại {pki.folder}: {len(list(leaders))} người ký, "
                          f"{len(agencies)} con dấu; tạo mới: {created}.")
