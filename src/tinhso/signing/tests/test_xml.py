"""XMLDSig on an edXML-shaped envelope: sign, validate offline, each verdict made by a real
manipulation; xmlsec1 verifies the same files against the demo root independently."""

import re
import subprocess

import pytest
from lxml import etree

from tinhso.signing import verdicts, xml
from tinhso.signing.keys import Pkcs12Signer
from tinhso.signing.ports import SigningError

from .conftest import PASSWORD, PERSON, checker

ENVELOPE = """<?xml version="1.0" encoding="UTF-8"?>
<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
 <edXML:edXMLEnvelope>
  <edXML:edXMLHeader>
   <edXML:MessageHeader>
    <edXML:Code><edXML:CodeNumber>123</edXML:CodeNumber>
     <edXML:CodeNotation>QĐ-UBND</edXML:CodeNotation></edXML:Code>
    <edXML:Subject>Về việc cấp giấy phép xây dựng</edXML:Subject>
   </edXML:MessageHeader>
   <Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>
  </edXML:edXMLHeader>
  <edXML:edXMLBody/>
 </edXML:edXMLEnvelope>
</edXML:edXML>
""".encode()


@pytest.fixture
def xmlsec(tmp_path):
    """xmlsec1 --verify with the given trusted root: (accepted, its output)."""
    binary = checker("xmlsec1")

    def run(data: bytes, root) -> tuple[bool, str]:
        path = tmp_path / "signed.xml"
        path.write_bytes(data)
        result = subprocess.run([binary, "--verify", "--trusted-pem", str(root), str(path)],
                                capture_output=True, text=True, timeout=60)
        return result.returncode == 0, result.stdout + result.stderr

    return run


def test_signed_in_the_header_and_valid(person, pki, xmlsec):
    signed = xml.sign(ENVELOPE, person)
    tree = etree.fromstring(signed)
    header = tree.find(".//{http://www.mic.gov.vn/TBT/QCVN_102_2016}edXMLHeader")
    assert header.find(f"{{{xml.DS}}}Signature") is not None  # where the placeholder was
    assert b"xml-exc-c14n" in signed and b"rsa-sha256" in signed
    result = xml.validate(signed)
    assert result.code == verdicts.VALID, result.message
    assert (result.signer_name, result.organisation) == (PERSON[1], PERSON[3])
    accepted, output = xmlsec(signed, pki.trust_root_path)
    assert accepted, output
    assert "OK" in output


def test_a_changed_subject_is_altered(person, pki, xmlsec):
    signed = xml.sign(ENVELOPE, person)
    forged = signed.replace("cấp giấy phép".encode(), "thu hồi giấy phép".encode())
    assert forged != signed
    assert xml.validate(forged).code == verdicts.ALTERED
    accepted, output = xmlsec(forged, pki.trust_root_path)
    assert not accepted
    assert "FAIL" in output


def test_a_corrupted_signature_value_is_invalid(person, pki, xmlsec):
    signed = xml.sign(ENVELOPE, person).decode()
    value = re.search(r"<SignatureValue>([^<]+)</SignatureValue>", signed).group(1)
    swapped = value[:20] + ("A" if value[20] != "A" else "B") + value[21:]
    forged = signed.replace(value, swapped).encode()
    result = xml.validate(forged)
    assert result.code == verdicts.INVALID
    assert result.message.startswith("Chữ ký số không hợp lệ")
    accepted, output = xmlsec(forged, pki.trust_root_path)
    assert not accepted, output


def test_a_revoked_certificate_is_revoked(pki):
    path = pki.issue_person("bi.thu.hoi.xml", "Phạm Văn Đức", "Phó Giám đốc",
                            "Sở Xây dựng tỉnh Phú Thọ", PASSWORD)
    signer = Pkcs12Signer(path, PASSWORD)
    signed = xml.sign(ENVELOPE, signer)
    assert xml.validate(signed).code == verdicts.VALID
    pki.revoke(signer.certificate_chain()[0], "person:bi.thu.hoi.xml")
    assert xml.validate(signed).code == verdicts.REVOKED


def test_a_certificate_from_another_ca_is_an_unknown_signer(other_pki, pki, xmlsec):
    impostor = Pkcs12Signer(other_pki.folder / "people" / "ke.mao.danh.p12", PASSWORD)
    signed = xml.sign(ENVELOPE, impostor)
    result = xml.validate(signed)
    assert result.code == verdicts.UNKNOWN_SIGNER
    accepted, output = xmlsec(signed, pki.trust_root_path)
    assert not accepted, output
    accepted, output = xmlsec(signed, other_pki.trust_root_path)
    assert accepted, output  # the same file is fine to whoever trusts that CA


def test_a_signature_over_a_fragment_only_does_not_count(person):
    """A signature whose reference is not the whole document (URI="#..."), as in a wrapping
    attack, is refused even though its own digest holds."""
    signed = xml.sign(ENVELOPE, person).decode()
    forged = signed.replace('URI=""', 'URI="#x"', 1).encode()
    assert xml.validate(forged).code == verdicts.INVALID


def test_absent_and_malformed(person):
    unsigned = ENVELOPE.replace(
        b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>', b"")
    assert xml.validate(unsigned).code == verdicts.ABSENT
    malformed = b"<edXML:edXML><a></edXML:edXML>"
    result = xml.validate(malformed)
    assert result.code == verdicts.INVALID
    assert "không đúng cú pháp" in result.message
    with pytest.raises(SigningError):
        xml.sign(malformed, person)
