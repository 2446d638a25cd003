"""`tinhso exchange_demo` registers the catalogue services (REST, and SOAP offered as REST) and
a client (idempotently), and `tinhso exchange_call` reaches both through a real gateway with
the client's key."""

from io import StringIO

import pytest
from django.core.management import call_command

from tinhso.core.models import AuditEntry
from tinhso.exchange.catalogues import CatalogueProvider
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import AccessRight, Service

from .harness import ServerThread

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_registration_then_a_call_through_the_gateway(operator, tmp_path):
    provider = ServerThread(CatalogueProvider(agencies=[]).app()).start()
    key_file = tmp_path / "client.pem"
    try:
        for _ in range(2):  # a second run changes nothing
            call_command("exchange_demo", provider_url=provider.url, key_file=str(key_file),
                         stdout=StringIO())
        assert Service.objects.get(code="catalogues").base_url == provider.url
        assert Service.objects.get(code="units-soap").rest_exposure
        assert AccessRight.objects.count() == 2
        assert AuditEntry.objects.filter(action="exchange.credential.added").count() == 1
        gateway = ServerThread(Gateway().app()).start()
        try:
            out = StringIO()
            call_command("exchange_call",
                         "/r1/GOV/000.00.00.H44/DMDC/catalogues/v1/units?province=25",
                         gateway=gateway.url, key_file=str(key_file), stdout=out)
            soap = StringIO()  # the SOAP service, called as REST through the conversion
            call_command("exchange_call",
                         "/r1/GOV/000.00.00.H44/DMDC/units-soap/v1/GetCommunes?provinceCode=25",
                         gateway=gateway.url, key_file=str(key_file), stdout=soap)
        finally:
            gateway.stop()
    finally:
        provider.stop()
    status, _, body = out.getvalue().partition("\n")
    assert status == "200" and '"province": "25"' in body
    status, _, body = soap.getvalue().partition("\n")
    assert status == "200", body
    assert '"province": "25"' in body and '"name": "Phường Tân Hòa"' in body
