
import pytest
from django.core.files.base import ContentFile

from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401
from tinhso.integrations.payments.simulator import Merchant, make_server
from tinhso.integrations.simulators import running

PDF = b"%PDF-1.4\n% test paper\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name="giay-to.pdf", content=PDF):
    return ContentFile(content, name=name)


@pytest.fixture
def payment_gateway(settings, live_server):
    """The VNPay simulator on a free port, as its own HTTP server, calling the live server's
    IPN address (registered with it, as with VNPay)."""
    server = make_server("127.0.0.1", 0, {settings.TINHSO_PAYMENT_MERCHANT: Merchant(
        settings.TINHSO_PAYMENT_SECRET, f"{live_server.url}/payments/ipn/")})
    with running(server) as url:
        settings.TINHSO_PAYMENT_GATEWAY_URL = url + "/paymentv2/vpcpay.html"
        yield server
