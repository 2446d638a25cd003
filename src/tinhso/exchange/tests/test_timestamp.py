"""RFC 3161 time-stamps of the log's batches, from a real authority over HTTP (the demo's TSA
simulator), off the request path; verify checks each token against its batch."""

import time

import pytest

from tinhso.exchange import log
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import LogBatch
from tinhso.exchange.timestamping import check_token, request_token
from tinhso.integrations.simulators import running
from tinhso.integrations.timestamping.simulator import make_server
from tinhso.signing.pki import DemoPki

from .conftest import CLIENT
from .harness import ServerThread, assertion, call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def tsa_url(tmp_path):
    with running(make_server("127.0.0.1", 0, DemoPki(tmp_path / "pki"))) as url:
        yield url + "/"


def test_a_token_stamps_its_message_only(tsa_url):
    token = request_token(tsa_url, b"lo 1-3")
    assert check_token(token, b"lo 1-3") == ""
    assert check_token(token, b"lo 1-4") == "imprint"
    assert check_token(b"\x30\x03\x02\x01\x00", b"lo 1-3") == "unreadable"


def test_the_gateway_stamps_the_newest_batch(world, tsa_url):
    gateway = ServerThread(Gateway(refresh=0.2, tsa_url=tsa_url, tsa_every=0.2).app()).start()
    try:
        url = gateway.url + "/r1/GOV/000.00.00.H41/DMDC/catalogues/v1/units"
        assert call(url, token=assertion(world["key"], CLIENT))[0] == 200
        for _ in range(100):
            stamped = LogBatch.objects.filter(timestamp_token__isnull=False).first()
            if stamped is not None:
                break
            time.sleep(0.1)
    finally:
        gateway.stop()
    assert stamped is not None, "no batch was time-stamped"
    assert log.verify() == []
    token = bytearray(stamped.timestamp_token)
    token[-5] ^= 0xFF  # a byte of the authority's signature
    LogBatch.objects.filter(pk=stamped.pk).update(timestamp_token=bytes(token))
    problems = log.verify()
    assert [p.seq for p in problems] == [stamped.first_seq]
    assert "RFC 3161" in problems[0].reason
