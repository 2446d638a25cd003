"""`tinhso exchange_demo`: register what the demo's gateway serves, through exchange.services
(audited like any operator's change), idempotently:

- the provider system GOV/000.00.00.H44/DMDC and its service `catalogues` v1 at the shared
  catalogue provider's address (`--provider-url`, where `tinhso catalogue_provider` runs);
- the national systems the one-stop system reaches, each at its simulator's address when
  given (`--national-portal-url`, `--population-url`, `--edata-url`, `--document-axis-url`);
- the same communes over SOAP as `units-soap` v1, exposed to REST clients (the gateway's
  protocol conversion);
- the client system GOV/000.00.00.H44/MOTCUA (the one-stop system), granted what it calls,
  with an Ed25519 key pair whose private half is written to `--key-file`.

With `--shell` it prints, for `eval`, the settings that route the one-stop system's adapters
through the gateway (`--gateway`); otherwise a ready command line. With `--tls` (an https
gateway) the gateway listens with TLS and client certificates, and the one-stop system proves
itself with a certificate of the demo CA (signing.pki), issued and registered once and reused
while it is valid and registered, rather than with assertions. The acting operator is `--as`
(default: the first active superuser or system administrator).
"""

import shlex
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.exchange import catalogue_soap, client_certificates, services
from tinhso.exchange.management.commands import issue_client_certificate
from tinhso.exchange.models import AccessRight, MemberSystem, Service

MEMBER = "000.00.00.H44"
# The national systems as the demo registers them. Their member codes stand in for those the
# national platform (NDXP) assigns; a province registers the real ones in /lgsp/.
NATIONAL = (
    # option, setting routed, (class, member code, subsystem), system name,
    # service code, service name, methods granted
    ("national_portal_url", "TINHSO_NATIONAL_PORTAL_URL", ("GOV", "000.00.00.G22", "DVCQG"),
     "Cổng Dịch vụ công quốc gia", "dvcqg", "Đồng bộ hồ sơ TTHC", "POST"),
    ("population_url", "TINHSO_POPULATION_URL", ("GOV", "000.00.00.G01", "CSDLDC"),
     "CSDL quốc gia về dân cư", "citizens", "Tra cứu công dân", "POST"),
    ("edata_url", "TINHSO_EDATA_URL", ("GOV", "000.00.00.G22", "KHODLDT"),
     "Kho quản lý dữ liệu điện tử của tổ chức, cá nhân", "edata", "Đồng bộ giấy tờ, kết quả",
     "PUT"),
    # A stand-in too: the axis is run for the Government Office (G22), TRUCVBDT is ours.
    ("document_axis_url", "TINHSO_DOCUMENT_AXIS_URL", ("GOV", "000.00.00.G22", "TRUCVBDT"),
     "Trục liên thông văn bản quốc gia", "edoc", "Gửi, nhận văn bản điện tử (edXML)",
     "GET POST"),
)


class Command(BaseCommand):
    help = "Đăng ký các dịch vụ của bản trình diễn LGSP và hệ thống khách một cửa."

    def add_arguments(self, parser):
        parser.add_argument("--provider-url", default="http://127.0.0.1:8220")
        for option, *_ in NATIONAL:
            parser.add_argument("--" + option.replace("_", "-"), dest=option, default="")
        parser.add_argument("--gateway", default=f"http://{settings.TINHSO_GATEWAY_HOST}:"
                                                 f"{settings.TINHSO_GATEWAY_PORT}")
        parser.add_argument("--key-file", default=str(settings.TINHSO_LGSP_CLIENT_KEY_FILE))
        parser.add_argument("--shell", action="store_true")
        parser.add_argument("--tls", action="store_true",
                            help="Cổng chạy TLS, hệ thống một cửa xác thực bằng chứng thư TLS.")
        parser.add_argument("--as", dest="username", default="")

    def handle(self, *args, **options):
        operator = issue_client_certificate.operator(options["username"])
        client = self._system(operator, ("GOV", MEMBER, "MOTCUA"),
                              "Hệ thống thông tin giải quyết TTHC")
        provider = self._system(operator, ("GOV", MEMBER, "DMDC"), "Danh mục dùng chung của tỉnh")
        catalogues = self._service(operator, provider, "catalogues", "Danh mục dùng chung",
                                   options["provider_url"], "GET /units, /agencies, /nationalities")
        self._grant(operator, client, catalogues, "GET")
        # The same communes over SOAP, offered to REST clients by the gateway's conversion.
        soap_url = options["provider_url"].rstrip("/") + "/soap/units"
        units_soap = self._service(operator, provider, "units-soap", "Danh mục xã, phường (SOAP)",
                                   soap_url, catalogue_soap.wsdl(soap_url),
                                   protocol=Service.Protocol.SOAP, rest_exposure=True)
        self._grant(operator, client, units_soap, "")
        routed = {}
        for option, setting, parts, system_name, code, name, method in NATIONAL:
            if not options[option]:
                continue
            system = self._system(operator, parts, system_name, national=True)
            service = self._service(operator, system, code, name, options[option])
            for one in method.split():
                self._grant(operator, client, service, one)
            routed[setting] = f"{options['gateway'].rstrip('/')}/r1/{service.identifier}"
        key_file = self._key(operator, client, Path(options["key_file"]))
        tls = self._tls(operator, client, options["gateway"]) if options["tls"] else {}
        if options["shell"]:
            exports = {"TINHSO_LGSP_GATEWAY_URL": options["gateway"].rstrip("/"),
                       "TINHSO_LGSP_CLIENT": client.identifier,
                       "TINHSO_LGSP_CLIENT_KEY_FILE": str(key_file), **routed, **tls}
            self.stdout.write("".join(f"export {name}={shlex.quote(value)}\n"
                                      for name, value in exports.items()))
            return
        self.stdout.write(f"Dịch vụ {catalogues.identifier} -> {catalogues.base_url}\n"
                          f"Hệ thống khách {client.identifier}, khóa bí mật: {key_file}\n"
                          f"Gọi qua cổng: tinhso exchange_call /r1/{catalogues.identifier}/units"
                          f"?province={settings.TINHSO_PROVINCE_CODE}")

    def _system(self, operator, parts, name: str, *, national=False) -> MemberSystem:
        member_class, member_code, subsystem = parts
        return MemberSystem.objects.filter(identifier="/".join(parts)).first() or \
            services.register_system(operator, member_class=member_class,
                                     member_code=member_code, subsystem=subsystem, name=name,
                                     is_national=national)

    def _service(self, operator, provider, code, name, url, description="", **kind) -> Service:
        url = url.rstrip("/")
        service = Service.objects.filter(provider=provider, code=code, version="v1").first()
        if service is None:
            return services.register_service(operator, provider=provider, code=code, name=name,
                                             base_url=url, description=description, **kind)
        if service.base_url != url:
            return services.update_service(operator, service, base_url=url)
        return service

    def _grant(self, operator, client, service, method):
        if not AccessRight.objects.filter(client=client, service=service, method=method,
                                          path_prefix="").exists():
            services.grant(operator, client=client, service=service, method=method)

    def _tls(self, operator, client: MemberSystem, gateway: str) -> dict:
        """The settings of a gateway with TLS and client certificates, and of the one-stop
        system presenting its own: the demo CA's files (signing.pki)."""
        address = urlsplit(gateway)
        if address.scheme != "https":
            raise CommandError("--tls cần địa chỉ cổng https://.")
        pki = issue_client_certificate.demo_pki(None)
        server = pki.issue_tls_server(tuple(dict.fromkeys(
            [address.hostname, "127.0.0.1", "localhost"])))
        folder = pki.folder / "clients"
        stem = client_certificates.file_stem(client.identifier)
        cert, key = folder / f"{stem}.pem", folder / f"{stem}.key"
        if not (key.exists() and client_certificates.is_current(client, cert)):
            issued = client_certificates.issue(operator, client, pki, folder)
            cert, key = issued.certificate_path, issued.key_path
        return {"TINHSO_GATEWAY_TLS_CERT": str(server),
                "TINHSO_GATEWAY_TLS_KEY": str(server.with_suffix(".key")),
                "TINHSO_GATEWAY_TLS_CLIENT_CA": str(pki.folder / "ca.pem"),
                "TINHSO_GATEWAY_TLS_CRLS": str(pki.folder / "ca.crl"),
                "TINHSO_LGSP_CLIENT_CERT": str(cert), "TINHSO_LGSP_CLIENT_CERT_KEY": str(key),
                "TINHSO_LGSP_CA_FILE": str(pki.trust_root_path)}

    def _key(self, operator, client, key_file: Path) -> Path:
        if key_file.exists() and client.credentials.filter(revoked_at__isnull=True).exists():
            return key_file
        key = ed25519.Ed25519PrivateKey.generate()
        public = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        services.add_credential(operator, client, public_key_pem=public.decode())
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                               serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        key_file.chmod(0o600)
        return key_file
