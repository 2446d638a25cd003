"""A time-stamp from an RFC 3161 TSA over real HTTP (the demo's simulator) when one is
configured: the signing time is then the TSA's, not the signer's clock."""

from io import BytesIO

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from tinhso.integrations.simulators import running
from tinhso.integrations.timestamping.simulator import make_server
from tinhso.signing import pdf, verdicts

from .conftest import PERSON, make_pdf


@pytest.fixture
def tsa_url(pki):
    with running(make_server("127.0.0.1", 0, pki)) as url:
        yield url + "/"


def test_a_configured_tsa_stamps_the_signature(person, tsa_url, settings, tmp_path, pdfsig,
                                               pki):
    settings.TINHSO_SIGNING_TSA_URL = tsa_url
    signed = pdf.sign(make_pdf(), person, pdf.Appearance(PERSON[1]))
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    token = embedded.signer_info["unsigned_attrs"]
    assert "signature_time_stamp_token" in [a["type"].native for a in token]
    result = pdf.validate(signed)
    assert result.code == verdicts.VALID, result.message
    assert result.signing_time is not None
    report = pdfsig(signed, tmp_path, pki.trust_root_path)
    assert "Signature Validation: Signature is Valid." in report


def test_without_a_tsa_there_is_no_time_stamp(person):
    signed = pdf.sign(make_pdf(), person, pdf.Appearance(PERSON[1]))
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    assert embedded.signer_info["unsigned_attrs"].native is None
