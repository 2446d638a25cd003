"""RFC 3161 time-stamps of the log's batches, from a real authority over HTTP (the demo's TSA
simulator), off the request path; verify checks each token against its batch."""

import time
from datetime import UTC, datetime, timedelta

import pytest

from tinhso.exchange import log
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import LogBatch
from tinhso.exchange.timestamping import chain_problem, check_token, request_token, trust_roots
from tinhso.integrations.simulators import running
from tinhso.integrations.timestamping.simulator import make_server
from tinhso.signing.pki import DemoPki

from .conftest import CLIENT
from .harness import ServerThread, assertion, call

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pki(tmp_path):
    return DemoPki(tmp_path / "pki")


@pytest.fixture
def tsa_url(pki, settings):
    settings.TINHSO_EXCHANGE_TSA_TRUST_ROOTS = [str(pki.trust_root_path)]
    with running(make_server("127.0.0.1", 0, pki)) as url:
        yield url + "/"


def test_a_token_stamps_its_message_only(tsa_url):
    token = request_token(tsa_url, b"lo 1-3")
    assert check_token(token, b"lo 1-3") == ""
    assert check_token(token, b"lo 1-4") == "imprint"
    assert check_token(b"\x30\x03\x02\x01\x00", b"lo 1-3") == "unreadable"


def test_a_token_is_trusted_only_when_its_authority_chains_to_a_root(tsa_url, pki, tmp_path):
    token = request_token(tsa_url, b"lo 1-3")
    assert check_token(token, b"lo 1-3", roots=trust_roots()) == ""
    assert check_token(token, b"lo 1-3", roots=[pki.root.cert]) == ""
    other = DemoPki(tmp_path / "other", root_name="Goc la", ca_name="CA la", organisation="La")
    assert check_token(token, b"lo 1-3", roots=[other.root.cert]) == "untrusted"
    assert check_token(token, b"lo 1-3", roots=[]) == "untrusted"
    # An authority certificate that is not a time-stamping one (the CA's own) is refused.
    assert chain_problem(pki.ca.cert, [], [pki.root.cert], datetime.now(UTC)) == "not_tsa"
    later = pki.issue_tsa().cert.not_valid_after_utc + timedelta(days=1)
    assert chain_problem(pki.issue_tsa().cert, [pki.ca.cert], [pki.root.cert], later) == "expired"


def test_the_gateway_stamps_the_newest_batch(world, tsa_url, settings, tmp_path):
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
    settings.TINHSO_EXCHANGE_TSA_TRUST_ROOTS = [str(
        DemoPki(tmp_path / "other", root_name="Goc la", ca_name="CA la",
                organisation="La").trust_root_path)]
    [untrusted] = log.verify()
    assert untrusted.seq == stamped.first_seq and "untrusted" in untrusted.reason
    settings.TINHSO_EXCHANGE_TSA_TRUST_ROOTS = [str(tmp_path / "pki" / "root.pem")]
    token = bytearray(stamped.timestamp_token)
    token[-5] ^= 0xFF  # a byte of the authority's signature
    LogBatch.objects.filter(pk=stamped.pk).update(timestamp_token=bytes(token))
    problems = log.verify()
    assert [p.seq for p in problems] == [stamped.first_seq]
    assert "RFC 3161" in problems[0].reason
