"""The national document exchange axis behind the LGSP gateway: `exchange_demo` registers it
and grants the one-stop system GET and POST, its `--shell` routes TINHSO_DOCUMENT_AXIS_URL
through the gateway, and a send, a list and a download are exchanges in the gateway's message
log, the package reaching the axis byte for byte."""

import io
import shlex
import threading
import time

import pytest
from django.core.management import call_command

from tinhso.core.roles import Role
from tinhso.core.tests.factories import StaffFactory
from tinhso.documents import axis_port
from tinhso.documents.axis_port import AxisRefused, AxisUnavailable
from tinhso.exchange import services
from tinhso.exchange.catalogues import CatalogueProvider
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import AccessRight, MessageRecord
from tinhso.exchange.tests.harness import ServerThread
from tinhso.integrations.document_axis.simulator import make_server

pytestmark = pytest.mark.django_db(transaction=True)
TOKEN = "khoa-truc"
CLIENT = "GOV/000.00.00.H44/MOTCUA"
PROVINCE, MINISTRY = "000.00.00.H44", "000.00.00.G12"


@pytest.fixture
def routed(settings, tmp_path):
    settings.TINHSO_EXCHANGE_ANCHOR_PATH = tmp_path / "anchor.jsonl"
    settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE = tmp_path / "exchange.pem"
    settings.TINHSO_DOCUMENT_AXIS_TOKEN = TOKEN
    StaffFactory(username="quantri", roles=[Role.SYSTEM_ADMIN])
    simulator = make_server("127.0.0.1", 0, TOKEN, max_package=2 * 1024 * 1024)
    threading.Thread(target=simulator.serve_forever, daemon=True).start()
    catalogues = ServerThread(CatalogueProvider(agencies=[]).app()).start()
    gateway = ServerThread(Gateway(refresh=0.2, max_body=1024 * 1024).app()).start()
    out = io.StringIO()
    for _ in range(2):  # a second run changes nothing
        call_command("exchange_demo", provider_url=catalogues.url, gateway=gateway.url,
                     document_axis_url=f"http://127.0.0.1:{simulator.server_address[1]}",
                     key_file=str(tmp_path / "client.pem"), shell=True, stdout=out)
    for line in out.getvalue().splitlines():  # what `eval` would export in `make demo`
        name, _, value = line.removeprefix("export ").partition("=")
        setattr(settings, name, shlex.split(value)[0])
    time.sleep(0.5)  # the gateway's registry refresh
    yield simulator
    gateway.stop()
    catalogues.stop()
    simulator.shutdown()
    simulator.server_close()


def test_the_axis_is_reached_through_the_gateway_and_logged(routed, settings):
    assert settings.TINHSO_DOCUMENT_AXIS_URL == (settings.TINHSO_LGSP_GATEWAY_URL +
                                                 "/r1/GOV/000.00.00.G22/TRUCVBDT/edoc/v1")
    assert sorted(AccessRight.objects.filter(service__code="edoc", client__identifier=CLIENT)
                  .values_list("method", flat=True)) == ["GET", "POST"]
    axis = axis_port.axis()
    axis.register_agency(PROVINCE, "UBND tỉnh Phú Thọ")
    axis.register_agency(MINISTRY, "Bộ Nội vụ")
    sent = '<?xml version="1.0"?><edXML><Subject>Báo cáo 7/BC-UBND</Subject></edXML>'.encode()
    message_id = axis.send(PROVINCE, [MINISTRY], sent)
    [waiting] = axis.received(MINISTRY)
    assert (waiting.message_id, waiting.sender, waiting.size) == (message_id, PROVINCE, len(sent))
    assert axis.download(MINISTRY, message_id) == sent
    axis.acknowledge(MINISTRY, message_id, done=True)
    assert axis.sent(PROVINCE)[0].state_of(MINISTRY) == axis_port.DONE

    records = MessageRecord.objects.filter(client=CLIENT, service__contains="/TRUCVBDT/edoc/")
    assert records.filter(outcome="ok").count() == 7  # every call above
    sending = records.get(method="POST", path__contains=f"/agencies/{PROVINCE}/sent")
    assert sending.request_bytes == len(sent) and sending.status == 201
    assert records.filter(method="GET", path__contains=f"/agencies/{MINISTRY}/received",
                          status=200).count() == 2  # the list, then the download


def test_a_package_over_the_gateways_limit_is_refused_with_its_reason(routed):
    axis = axis_port.axis()
    axis.register_agency(PROVINCE, "UBND tỉnh Phú Thọ")
    axis.register_agency(MINISTRY, "Bộ Nội vụ")
    with pytest.raises(AxisRefused, match=r"LGSP: .*vượt quá giới hạn"):
        axis.send(PROVINCE, [MINISTRY], b"<edXML>" + b"x" * (1024 * 1024) + b"</edXML>")
    assert MessageRecord.objects.get(outcome="payload_too_large").status == 413
    assert routed.axis.messages == {}


def test_a_revoked_grant_reaches_the_sender_with_the_gateways_reason(routed):
    axis = axis_port.axis()
    axis.register_agency(PROVINCE, "UBND tỉnh Phú Thọ")
    axis.register_agency(MINISTRY, "Bộ Nội vụ")
    operator = StaffFactory(username="quantri2", roles=[Role.SYSTEM_ADMIN])
    services.revoke(operator, AccessRight.objects.get(service__code="edoc", method="POST"))
    time.sleep(0.5)  # the gateway's registry refresh
    with pytest.raises(AxisUnavailable, match="HTTP 403") as refused:
        axis.send(PROVINCE, [MINISTRY], b"<edXML/>")
    assert "LGSP: " in refused.value.message
    assert axis.received(MINISTRY) == []  # GET is still granted
    assert routed.axis.messages == {}
