"""Mutual TLS at the gateway, over real TLS connections: a client certificate issued by the
province's (demo) CA and registered authenticates its system; an expired, revoked or
unregistered one is refused with its own code and logged, a foreign one at the handshake; JWT
keeps working over TLS; the operator's commands issue and revoke certificates."""

import datetime as dt
import ssl
import time
from io import StringIO

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import call_command

from tinhso.core.models import AuditEntry
from tinhso.exchange import client_certificates, mtls, services
from tinhso.exchange.gateway import Gateway
from tinhso.exchange.models import ClientCredential, MessageRecord
from tinhso.signing.pki import DemoPki

from .conftest import CLIENT, new_key
from .harness import (
    CommandProcess,
    ServerThread,
    as_json,
    assertion,
    call,
    database_url_for_process,
)

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/r1/GOV/000.00.00.H41/DMDC/catalogues/v1/units?province=25"


@pytest.fixture
def pki(tmp_path):
    pki = DemoPki(tmp_path / "pki")
    pki.issue_tls_server(["127.0.0.1"])
    return pki


def _tls_options(pki, **overrides):
    return {"tls_cert": str(pki.folder / "gateway-tls.pem"),
            "tls_key": str(pki.folder / "gateway-tls.key"),
            "tls_client_ca": str(pki.folder / "ca.pem"),
            "tls_crls": [str(pki.folder / "ca.crl")], **overrides}


def _serve(**options):
    gateway = Gateway(refresh=0.2, **options)
    return ServerThread(gateway.app(), ssl_context=gateway.ssl_context()).start()


@pytest.fixture
def gateway(world, pki):
    server = _serve(**_tls_options(pki))
    yield server
    server.stop()


def _context(pki, pair=None):
    """A client trusting the demo root; with (cert path, key path), presenting that."""
    context = ssl.create_default_context(cafile=str(pki.trust_root_path))
    if pair:
        context.load_cert_chain(*map(str, pair))
    return context


def _write(folder, name, key, cert):
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _issue(world, pki, tmp_path, **kwargs):
    issued = client_certificates.issue(world["operator"], world["client"], pki,
                                       tmp_path / "clients", **kwargs)
    _refreshed()
    return issued.certificate_path, issued.key_path


def _refreshed():
    """Long enough for the gateway's registry refresh (every 0.2 s here) to see a change."""
    time.sleep(0.6)


def _record(headers):
    return MessageRecord.objects.get(exchange_id=headers["X-Exchange-Id"])


def _refused(answer, status, code):
    got, headers, body = answer
    error = as_json(body)
    assert (got, error["code"]) == (status, code), error
    assert error["message"]
    record = _record(headers)
    assert (record.status, record.outcome, record.reason) == (status, code,
                                                              error["message"][:300])
    return record, error


def _wait_for(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_registered_certificate_authenticates_its_system(world, pki, gateway, tmp_path):
    context = _context(pki, _issue(world, pki, tmp_path))
    status, headers, body = call(gateway.url + URL, context=context)
    assert status == 200, body
    assert as_json(body)["results"]
    record = _record(headers)
    assert (record.client, record.outcome, record.jti) == (CLIENT, "ok", "")
    # The same certificate with the same system's assertion: accepted, the jti kept.
    status, headers, _ = call(gateway.url + URL, context=context,
                              token=assertion(world["key"], CLIENT))
    assert status == 200 and _record(headers).jti


def test_expired_and_not_yet_valid_certificates_are_refused(world, pki, gateway, tmp_path):
    now = dt.datetime.now(dt.UTC)
    expired = _issue(world, pki, tmp_path / "old", not_before=now - dt.timedelta(days=400),
                     not_after=now - dt.timedelta(hours=1))
    record, error = _refused(call(gateway.url + URL, context=_context(pki, expired)), 401,
                             "certificate_expired")
    assert "hết hạn" in error["message"]
    assert record.client == ""  # its credential expired with it: no longer in the registry
    early = _issue(world, pki, tmp_path / "early", not_before=now + dt.timedelta(days=1),
                   not_after=now + dt.timedelta(days=30))
    record, _ = _refused(call(gateway.url + URL, context=_context(pki, early)), 401,
                         "certificate_not_yet_valid")
    assert record.client == CLIENT  # registered and unrevoked: the log names its system


def test_a_certificate_on_the_crl_is_refused_once_the_crl_changes(world, pki, gateway,
                                                                  tmp_path):
    pair = _issue(world, pki, tmp_path)
    assert call(gateway.url + URL, context=_context(pki, pair))[0] == 200
    serial = x509.load_pem_x509_certificate(pair[0].read_bytes()).serial_number
    pki.revoke_serial(serial)  # on the CRL only: the credential is still registered
    assert _wait_for(lambda: call(gateway.url + URL, context=_context(pki, pair))[0] == 401)
    record, error = _refused(call(gateway.url + URL, context=_context(pki, pair)), 401,
                             "certificate_revoked")
    assert record.client == CLIENT and f"{serial:X}" in error["message"]


def test_unregistered_and_foreign_certificates_are_refused(world, pki, gateway, tmp_path):
    key, cert = pki.issue_tls_client(CLIENT)  # our CA's, but never registered
    unregistered = _write(tmp_path / "u", "u", key, cert)
    record, _ = _refused(call(gateway.url + URL, context=_context(pki, unregistered)), 401,
                         "unknown_certificate")
    assert record.client == ""
    # Another CA's certificate, even with its fingerprint registered to the client: the
    # handshake itself fails, so no request is answered (nor logged).
    key, cert = DemoPki(tmp_path / "other-ca").issue_tls_client(CLIENT)
    services.add_credential(world["operator"], world["client"],
                            kind=ClientCredential.Kind.TLS_CERT,
                            cert_fingerprint=mtls.fingerprint(
                                cert.public_bytes(serialization.Encoding.DER)))
    _refreshed()
    foreign = _write(tmp_path / "f", "f", key, cert)
    logged = MessageRecord.objects.count()
    with pytest.raises(OSError):  # ssl.SSLError or URLError: the alert, or a reset
        call(gateway.url + URL, context=_context(pki, foreign))
    assert MessageRecord.objects.count() == logged


def test_jwt_over_tls_and_a_mismatch_between_the_two(world, pki, gateway, tmp_path):
    status, headers, body = call(gateway.url + URL, context=_context(pki),
                                 token=assertion(world["key"], CLIENT))
    assert status == 200, body
    assert _record(headers).client == CLIENT
    _, error = _refused(call(gateway.url + URL, context=_context(pki)), 401,
                        "missing_assertion")
    assert "chứng thư TLS" in error["message"]
    other = services.register_system(world["operator"], member_class="GOV",
                                     member_code="000.00.00.H41", subsystem="KHAC",
                                     name="Hệ thống khác")
    other_key, pem = new_key()
    services.add_credential(world["operator"], other, public_key_pem=pem)
    pair = _issue(world, pki, tmp_path)
    record, _ = _refused(call(gateway.url + URL, context=_context(pki, pair),
                              token=assertion(other_key, other.identifier)), 401,
                         "identity_mismatch")
    assert record.client == CLIENT


def test_without_a_current_crl_certificates_are_refused(world, pki, tmp_path):
    server = _serve(**_tls_options(pki, tls_crls=[]))
    try:
        pair = _issue(world, pki, tmp_path)
        _refused(call(server.url + URL, context=_context(pki, pair)), 503,
                 "revocation_unknown")
        # JWT clients are not concerned.
        assert call(server.url + URL, context=_context(pki),
                    token=assertion(world["key"], CLIENT))[0] == 200
    finally:
        server.stop()


def test_the_commands_issue_register_and_revoke(world, pki, tmp_path):
    out = tmp_path / "out"
    call_command("issue_client_certificate", CLIENT, out=str(out), pki_dir=str(pki.folder))
    cert = x509.load_pem_x509_certificate((out / "GOV_000.00.00.H41_MOTCUA.pem").read_bytes())
    credential = ClientCredential.objects.get(kind=ClientCredential.Kind.TLS_CERT)
    assert credential.system == world["client"] and credential.revoked_at is None
    assert credential.cert_fingerprint == mtls.fingerprint(
        cert.public_bytes(serialization.Encoding.DER))
    assert credential.cert_serial == f"{cert.serial_number:X}"
    assert (out / "GOV_000.00.00.H41_MOTCUA.key").stat().st_mode & 0o077 == 0
    assert AuditEntry.objects.filter(action="exchange.credential.added",
                                     data__fingerprint=credential.cert_fingerprint).exists()
    call_command("revoke_client_certificate", CLIENT, pki_dir=str(pki.folder))
    credential.refresh_from_db()
    assert credential.revoked_at is not None
    assert AuditEntry.objects.filter(action="exchange.credential.revoked").exists()
    crl = x509.load_der_x509_crl((pki.folder / "ca.crl").read_bytes())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None


def test_tinhso_gateway_listens_with_tls(world, pki, tmp_path, settings):
    pair = _issue(world, pki, tmp_path)
    options = _tls_options(pki)
    env = {"DATABASE_URL": database_url_for_process(tmp_path),
           "TINHSO_EXCHANGE_ANCHOR_PATH": str(settings.TINHSO_EXCHANGE_ANCHOR_PATH),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE),
           "TINHSO_GATEWAY_TLS_CERT": options["tls_cert"],
           "TINHSO_GATEWAY_TLS_KEY": options["tls_key"],
           "TINHSO_GATEWAY_TLS_CLIENT_CA": options["tls_client_ca"],
           "TINHSO_GATEWAY_TLS_CRLS": options["tls_crls"][0]}
    process = CommandProcess("gateway", env=env, context=_context(pki)).start()
    try:
        status, _, body = call(process.url + URL, context=_context(pki, pair))
        assert status == 200, body
        health = as_json(call(process.url + "/healthz", context=_context(pki))[2])
        assert health["mutual_tls"] is True and health["client_certificates"] == 1
        out = StringIO()  # the operator's check of a certificate, no assertion
        call_command("exchange_call", URL, gateway=process.url, cert=str(pair[0]),
                     cert_key=str(pair[1]), cacert=str(pki.trust_root_path), stdout=out)
        assert out.getvalue().startswith("200\n")
    finally:
        process.stop()
