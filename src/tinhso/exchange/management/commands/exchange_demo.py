"""`tinhso exchange_demo`: register what the demo's gateway serves, through exchange.services
(audited like any operator's change), idempotently:

- the provider system GOV/000.00.00.H44/DMDC and its service `catalogues` v1 at the shared
  catalogue provider's address (`--provider-url`, where `tinhso catalogue_provider` runs);
- the client system GOV/000.00.00.H44/MOTCUA (the one-stop system), granted GET on it, with an
  Ed25519 key pair whose private half is written to `--key-file` for the demo's clients.

It prints a ready curl command. The acting operator is `--as` (default: the first active
superuser or system administrator).
"""

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from tinhso.core.models import User
from tinhso.core.roles import Role
from tinhso.exchange import services
from tinhso.exchange.models import AccessRight, MemberSystem, Service

MEMBER = "000.00.00.H44"


class Command(BaseCommand):
    help = "Đăng ký dịch vụ danh mục dùng chung và một hệ thống khách cho bản trình diễn LGSP."

    def add_arguments(self, parser):
        parser.add_argument("--provider-url", default="http://127.0.0.1:8220")
        parser.add_argument("--key-file",
                            default=str(settings.VAR_DIR / "exchange-demo-client.pem"))
        parser.add_argument("--as", dest="username", default="")

    def handle(self, *args, **options):
        operator = self._operator(options["username"])
        provider = self._system(operator, "DMDC", "Danh mục dùng chung của tỉnh")
        client = self._system(operator, "MOTCUA", "Hệ thống thông tin giải quyết TTHC")
        service = Service.objects.filter(provider=provider, code="catalogues",
                                         version="v1").first()
        url = options["provider_url"].rstrip("/")
        if service is None:
            service = services.register_service(
                operator, provider=provider, code="catalogues", name="Danh mục dùng chung",
                base_url=url, description="GET /units, /agencies, /nationalities")
        elif service.base_url != url:
            service = services.update_service(operator, service, base_url=url)
        if not AccessRight.objects.filter(client=client, service=service, method="GET",
                                          path_prefix="").exists():
            services.grant(operator, client=client, service=service, method="GET")
        key_file = Path(options["key_file"])
        if not key_file.exists() or not client.credentials.filter(revoked_at__isnull=True):
            key = ed25519.Ed25519PrivateKey.generate()
            public = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            services.add_credential(operator, client, public_key_pem=public.decode())
            key_file.parent.mkdir(parents=True, exist_ok=True)
            key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                   serialization.PrivateFormat.PKCS8,
                                                   serialization.NoEncryption()))
            key_file.chmod(0o600)
        self.stdout.write(f"Dịch vụ {service.identifier} -> {service.base_url}\n"
                          f"Hệ thống khách {client.identifier}, khóa bí mật: {key_file}\n"
                          f"Gọi qua cổng: tinhso exchange_call /r1/{service.identifier}/units"
                          f"?province={settings.TINHSO_PROVINCE_CODE}")

    def _operator(self, username: str) -> User:
        users = User.objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
        else:
            user = (users.filter(Q(is_superuser=True) | Q(roles__role=Role.SYSTEM_ADMIN))
                    .order_by("id").first())
        if user is None or not services.is_operator(user):
            raise CommandError("Cần một tài khoản quản trị hệ thống (--as TÊN).")
        return user

    def _system(self, operator, subsystem: str, name: str) -> MemberSystem:
        identifier = f"GOV/{MEMBER}/{subsystem}"
        return MemberSystem.objects.filter(identifier=identifier).first() or \
            services.register_system(operator, member_class="GOV", member_code=MEMBER,
                                     subsystem=subsystem, name=name)
