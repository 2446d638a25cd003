"""`tinhso exchange_call PATH`: one exchange through the gateway as a client system would make
it (a fresh signed JWT assertion, or with --cert its TLS client certificate), for the demo and
for operators checking a grant."""

import ssl
import urllib.error
import urllib.request
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tinhso.exchange import assertions


class Command(BaseCommand):
    help = "Gọi một dịch vụ qua cổng LGSP bằng JWT ký bởi hệ thống khách."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Ví dụ: /r1/GOV/000.00.00.H44/DMDC/catalogues/v1/units")
        parser.add_argument("--gateway", default=f"http://{settings.TINHSO_GATEWAY_HOST}:"
                                                 f"{settings.TINHSO_GATEWAY_PORT}")
        parser.add_argument("--client", default="GOV/000.00.00.H44/MOTCUA")
        parser.add_argument("--key-file",
                            default=str(settings.VAR_DIR / "exchange-demo-client.pem"))
        parser.add_argument("--cert", default="", help="Chứng thư TLS của hệ thống khách (PEM): "
                            "xác thực bằng TLS hai chiều thay cho JWT.")
        parser.add_argument("--cert-key", default="", help="Khóa riêng của chứng thư (PEM).")
        parser.add_argument("--cacert", default="", help="CA tin cậy cho chứng thư của cổng "
                            "(https), ví dụ var/pki/root.pem.")

    def handle(self, *args, **options):
        headers = {}
        if not options["cert"]:
            key = serialization.load_pem_private_key(Path(options["key_file"]).read_bytes(),
                                                     None)
            token = assertions.assertion(options["client"], key)
            headers["Authorization"] = f"Bearer {token}"
        context = None
        if options["cacert"] or options["cert"]:
            context = ssl.create_default_context(cafile=options["cacert"] or None)
            if options["cert"]:
                context.load_cert_chain(options["cert"], options["cert_key"] or None)
        url = options["gateway"].rstrip("/") + options["path"]
        request = urllib.request.Request(url, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=30,  # noqa: S310
                                        context=context) as answer:
                status, body = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except OSError as exc:
            raise CommandError(f"Không gọi được cổng {url}: {exc}") from None
        self.stdout.write(f"{status}\n{body.decode('utf-8', 'replace')}")
        if status >= 400:
            raise CommandError(f"Cổng trả lời {status}")
