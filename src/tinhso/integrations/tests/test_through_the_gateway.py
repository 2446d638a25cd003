"""The one-stop system reaches the national systems through the LGSP gateway: `exchange_demo`
registers them and the grants, its `--shell` settings route the adapters, and each call is a
real exchange through the gateway (signed assertion, or the demo CA's client certificate over
mutual TLS; access check, message log). A grant revoked is a refusal the operator reads with
the gateway's reason."""

import io
import shlex
import threading
import time

import pytest
from django.core.management import call_command

from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory
from tinhso.dossiers import edata_sync, portal_sync
from tinhso.dossiers.models import Dossier, Status, SyncState
from tinhso.dossiers.population import RegistryUnavailable
from tinhso.dossiers.tests.conftest import drive, submit_online
from tinhso.exchange import services
from tinhso.exchange.catalogues import CatalogueProvider
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import AccessRight, ClientCredential, MessageRecord
from tinhso.exchange.tests.harness import ServerThread
from tinhso.integrations.edata import EdataClient
from tinhso.integrations.edata.simulator import make_server as edata_server
from tinhso.integrations.national_portal import DvcqgPortal
from tinhso.integrations.national_portal.simulator import make_server as portal_server
from tinhso.integrations.population import PopulationClient
from tinhso.integrations.population.simulator import make_server as population_server
from tinhso.signing.pki import DemoPki

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "khoa-tinh"
ACCOUNT = ("tinhso", "mat-khau")
CLIENT = "GOV/000.00.00.H44/MOTCUA"


def _running(server):
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(params=[False, True], ids=["assertions", "mutual TLS"])
def lgsp(request, settings, tmp_path, province):
    settings.TINHSO_EXCHANGE_ANCHOR_PATH = tmp_path / "anchor.jsonl"
    settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "exchange.pem"
    settings.TINHSO_POPULATION_TOKEN = settings.TINHSO_EDATA_TOKEN = TOKEN
    settings.TINHSO_NATIONAL_PORTAL_USERNAME, settings.TINHSO_NATIONAL_PORTAL_PASSWORD = ACCOUNT
    StaffFactory(username="quantri", roles=[Role.SYSTEM_ADMIN])
    sims = {"portal": _running(portal_server("127.0.0.1", 0, dict([ACCOUNT]))),
            "population": _running(population_server("127.0.0.1", 0, TOKEN)),
            "edata": _running(edata_server("127.0.0.1", 0, TOKEN))}
    catalogues = ServerThread(CatalogueProvider(agencies=[]).app()).start()
    tls = request.param
    if tls:  # the gateway as `make demo` runs it: TLS, the demo CA's client certificates
        settings.TINHSO_SIGNING_PKI_DIR = tmp_path / "pki"
        pki = DemoPki(settings.TINHSO_SIGNING_PKI_DIR)
        served = Gateway(refresh=0.2, tls_cert=str(pki.issue_tls_server()),
                         tls_key=str(pki.folder / "gateway-tls.key"),
                         tls_client_ca=str(pki.folder / "ca.pem"),
                         tls_crls=[str(pki.folder / "ca.crl")])
        gateway = ServerThread(served.app(), ssl_context=served.ssl_context()).start()
        gateway_url = f"https://127.0.0.1:{gateway.port}"
    else:
        gateway = ServerThread(Gateway(refresh=0.2).app()).start()
        gateway_url = gateway.url
    for _run in range(2 if tls else 1):  # as every `make demo`: the certificate is reused
        out = io.StringIO()
        call_command("exchange_demo", provider_url=catalogues.url, gateway=gateway_url,
                     national_portal_url=sims["portal"][1], population_url=sims["population"][1],
                     edata_url=sims["edata"][1], key_file=str(tmp_path / "client.pem"),
                     shell=True, tls=tls, stdout=out)
    for line in out.getvalue().splitlines():  # what `eval` would export in `make demo`
        name, _, value = line.removeprefix("export ").partition("=")
        setattr(settings, name, shlex.split(value)[0])
    time.sleep(0.5)  # the gateway's registry refresh
    yield {name: server for name, (server, _url) in sims.items()}
    gateway.stop()
    catalogues.stop()
    for server, _url in sims.values():
        server.shutdown()
        server.server_close()


def _records(service_code):
    return MessageRecord.objects.filter(client=CLIENT, service__contains=f"/{service_code}/")


def test_each_national_call_is_an_exchange_through_the_gateway(lgsp, province, settings):
    assert settings.TINHSO_POPULATION_URL.startswith(settings.TINHSO_LGSP_GATEWAY_URL + "/r1/")
    person = PopulationClient().find("025090001001", purpose="Tiếp nhận hồ sơ",
                                     requester="motcua")
    assert person is not None and person.personal_id == "025090001001"
    assert list(_records("citizens").values_list("outcome", flat=True)) == ["ok"]

    finished = drive(province, submit_online(province), Status.FINISHED)
    report = portal_sync.sync_batch(DvcqgPortal())
    assert report.sent == 1 and not report.unavailable
    assert lgsp["portal"].portal.held(finished.code)
    assert Dossier.objects.get(pk=finished.pk).sync_state == SyncState.SYNCED
    assert _records("dvcqg").filter(outcome="ok").count() >= 2  # the login, then the calls

    assert edata_sync.push_batch(EdataClient()).sent == 1
    assert lgsp["edata"].store.owners[finished.applicant_id_number][finished.code]
    assert _records("edata").filter(outcome="ok", method="PUT").count() == 1
    # Over mutual TLS the certificate alone is the proof: no assertion, so no `jti`, and one
    # certificate however many times the demo started.
    tls = bool(settings.TINHSO_LGSP_CLIENT_CERT)
    assert settings.TINHSO_LGSP_GATEWAY_URL.startswith("https://" if tls else "http://")
    assert MessageRecord.objects.filter(client=CLIENT, jti="").exists() == tls
    assert ClientCredential.objects.filter(kind=ClientCredential.Kind.TLS_CERT,
                                           system__identifier=CLIENT).count() == int(tls)


def test_a_revoked_grant_is_refused_with_the_gateways_reason(lgsp, settings):
    operator = StaffFactory(username="quantri2", roles=[Role.SYSTEM_ADMIN])
    for right in AccessRight.objects.filter(service__code="citizens"):
        services.revoke(operator, right)
    time.sleep(0.5)
    with pytest.raises(RegistryUnavailable) as refused:
        PopulationClient().find("025090001001", purpose="Tiếp nhận hồ sơ", requester="motcua")
    assert "HTTP 403" in str(refused.value) and "LGSP:" in str(refused.value)
    assert _records("citizens").get().outcome == "access_denied"
