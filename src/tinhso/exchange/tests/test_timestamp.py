"""RFC 3161 time-stamps of the log's batches, from a real authority over HTTP (the demo's TSA
simulator), off the request path; verify checks each token against its batch."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from tinhso.exchange import log
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import LogBatch
from tinhso.exchange.timestamping import (
    chain_problem,
    check_token,
    request_token,
    trust_crls,
    trust_roots,
)
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
    settings.TINHSO_EXCHANGE_TSA_CRLS = [str(path) for path in pki.crl_paths]
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


def _crl_revoking(pki, serial, when, reason, key=None):
    """The subordinate CA's CRL revoking `serial` at `when` for `reason` (signed by `key`,
    by default the CA's)."""
    entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when)
    if reason is not None:
        entry = entry.add_extension(x509.CRLReason(reason), False)
    now = datetime.now(UTC)
    return (x509.CertificateRevocationListBuilder().issuer_name(pki.ca.cert.subject)
            .last_update(now - timedelta(minutes=1)).next_update(now + timedelta(days=1))
            .add_revoked_certificate(entry.build()).sign(key or pki.ca.key, hashes.SHA256()))


def test_a_revoked_authoritys_tokens_are_refused(tsa_url, pki, settings):
    token = request_token(tsa_url, b"lo 1-3")
    roots = [pki.root.cert]
    assert check_token(token, b"lo 1-3", roots=roots, crls=trust_crls()) == ""
    # A chain no CRL covers passes under soft-fail, as signatures do, and not under hard-fail.
    assert check_token(token, b"lo 1-3", roots=roots, crls=[]) == ""
    settings.TINHSO_SIGNING_REVOCATION_MODE = "hard-fail"
    assert check_token(token, b"lo 1-3", roots=roots, crls=[]) == "revocation_unknown"
    assert check_token(token, b"lo 1-3", roots=roots, crls=trust_crls()) == ""
    # Revoked after the token for a reason that leaves the key safe: the token stands; for a
    # compromise, or before the token was made, it does not.
    serial = pki.issue_tsa().cert.serial_number
    roots_crl = [crl for crl in trust_crls() if crl.issuer == pki.root.cert.subject]
    later, earlier = datetime.now(UTC) + timedelta(minutes=1), datetime.now(UTC) - timedelta(days=1)
    for when, reason, problem in [
            (later, x509.ReasonFlags.superseded, ""),
            (later, x509.ReasonFlags.key_compromise, "revoked"),
            (earlier, x509.ReasonFlags.superseded, "revoked")]:
        crl = _crl_revoking(pki, serial, when, reason)
        assert check_token(token, b"lo 1-3", roots=roots, crls=[crl, *roots_crl]) == problem, reason
    # A CRL not signed by the issuer it names is no evidence either way.
    stranger = DemoPki(pki.folder.parent / "la", root_name="Goc la", ca_name="CA la",
                       organisation="La")
    forged = _crl_revoking(pki, serial, earlier, None, key=stranger.ca.key)
    assert check_token(token, b"lo 1-3", roots=roots,
                       crls=[forged, *roots_crl]) == "revocation_unknown"
    # The demo CA's own CRL, through the configured files (no reason given: every token).
    pki.revoke(pki.issue_tsa().cert, "tsa")
    assert check_token(token, b"lo 1-3", roots=roots, crls=trust_crls()) == "revoked"


def test_the_gateway_stamps_the_newest_batch(world, tsa_url, pki, settings, tmp_path):
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
    assert log.verify() == []
    pki.revoke(pki.issue_tsa().cert, "tsa")  # on the configured ca.crl, no reason given
    [revoked] = log.verify()
    assert revoked.seq == stamped.first_seq and "revoked" in revoked.reason
    token = bytearray(stamped.timestamp_token)
    token[-5] ^= 0xFF  # a byte of the authority's signature
    LogBatch.objects.filter(pk=stamped.pk).update(timestamp_token=bytes(token))
    problems = log.verify()
    assert [p.seq for p in problems] == [stamped.first_seq]
    assert "RFC 3161" in problems[0].reason
