"""The remote (SIM/HSM) signer behind the same port, over real HTTP to the simulator: what
it signs validates like a file key's, and pdfsig and xmlsec1 agree."""

import base64
import json
import urllib.error
import urllib.request

import pytest

from tinhso.integrations.remote_signing import RemoteSigner
from tinhso.integrations.remote_signing.protocol import INFO_PATH
from tinhso.integrations.remote_signing.simulator import Service, make_server
from tinhso.integrations.simulators import running
from tinhso.signing import pdf, verdicts, xml
from tinhso.signing.keys import signer_for
from tinhso.signing.ports import Signer, SigningError

from .conftest import AGENCY, PASSWORD, PERSON, make_pdf
from .test_xml import ENVELOPE

TOKEN = "token-thu"


@pytest.fixture
def remote(pki, settings):
    server = make_server("127.0.0.1", 0, Service(pki.folder, PASSWORD, TOKEN))
    with running(server) as url:
        settings.TINHSO_SIGNING_KEY_STORE = "tinhso.integrations.remote_signing.RemoteKeyStore"
        settings.TINHSO_SIGNING_REMOTE_URL = url
        settings.TINHSO_SIGNING_REMOTE_TOKEN = TOKEN
        yield server


def test_remote_signatures_validate_and_pass_the_checkers(remote, pki, tmp_path, pdfsig,
                                                          person):
    signer = signer_for(f"person:{PERSON[0]}")
    assert isinstance(signer, RemoteSigner) and isinstance(signer, Signer)
    # The same certificate as the key file's: the service holds that key.
    assert signer.certificate_chain() == person.certificate_chain()
    seal = signer_for(f"seal:{AGENCY[0]}")
    signed = pdf.sign(pdf.sign(make_pdf(), signer, pdf.Appearance(PERSON[1], PERSON[2])),
                      seal, pdf.Appearance(AGENCY[1], seal=True))
    result = pdf.validate(signed)
    assert result.code == verdicts.VALID, result.message
    assert [s.signer_name for s in result.signatures] == [PERSON[1], AGENCY[1]]
    assert remote.service.signed == [f"person:{PERSON[0]}", f"seal:{AGENCY[0]}"]
    report = pdfsig(signed, tmp_path, pki.trust_root_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2
    signed_xml = xml.sign(ENVELOPE, signer)
    assert xml.validate(signed_xml).code == verdicts.VALID


def test_a_refusal_or_a_wrong_token_is_a_signing_error(remote, settings):
    remote.service.refusing.add(f"person:{PERSON[0]}")
    signer = signer_for(f"person:{PERSON[0]}")
    with pytest.raises(SigningError) as refused:
        pdf.sign(make_pdf(), signer, pdf.Appearance(PERSON[1]))
    assert refused.value.code == "signing_refused"
    assert "từ chối" in str(refused.value.message)
    intruder = RemoteSigner(settings.TINHSO_SIGNING_REMOTE_URL, f"seal:{AGENCY[0]}", "sai")
    with pytest.raises(SigningError) as denied:
        intruder.certificate_chain()
    assert "401" in str(denied.value.message)
    unknown = signer_for("person:khong.ton.tai")
    with pytest.raises(SigningError):
        unknown.certificate_chain()


def test_the_simulator_refuses_malformed_requests(remote):
    url = f"http://127.0.0.1:{remote.server_address[1]}"

    def post(path, body):
        request = urllib.request.Request(url + path, data=json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {TOKEN}"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    status, answer = post(INFO_PATH, {"credentialID": f"person:{PERSON[0]}"})
    assert status == 200 and len(answer["cert"]["certificates"]) == 1  # "single" by default
    status, answer = post("/csc/v2/signatures/signHash", {
        "credentialID": f"person:{PERSON[0]}", "hashes": [base64.b64encode(b"short").decode()],
        "hashAlgorithmOID": "2.16.840.1.101.3.4.2.1", "signAlgo": "1.2.840.113549.1.1.1"})
    assert (status, answer["error"]) == (400, "invalid_request")
    status, answer = post(INFO_PATH, {"credentialID": "person:../../etc"})
    assert status == 400
