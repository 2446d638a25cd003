"""The direct check of tinhso's XMLDSig profile: it verifies what tinhso and xmlsec1 sign in
that profile without signxml, says nothing (leaving signxml to judge) for any other shape or
any failed check, and never verifies what signxml would refuse. The chain verdicts kept
between packages follow the trust and the clock."""

import base64
import re
import subprocess

import pytest
from cryptography import x509
from lxml import etree
from signxml import XMLVerifier
from signxml.exceptions import InvalidInput, InvalidSignature

from tinhso.signing import enveloped_profile, verdicts, xml
from tinhso.signing.trust import configured_trust

from .conftest import PASSWORD, PERSON, checker
from .test_xml import ENVELOPE

DS = "http://www.w3.org/2000/09/xmldsig#"


def signer_cert(signed: bytes) -> x509.Certificate:
    text = etree.fromstring(signed).find(f".//{{{DS}}}X509Certificate").text
    return x509.load_der_x509_certificate(base64.b64decode("".join(text.split())))


def signxml_accepts(data: bytes, cert: x509.Certificate) -> bool:
    try:
        XMLVerifier().verify(data, x509_cert=cert)
    except (InvalidSignature, InvalidInput):
        return False
    return True


@pytest.fixture
def no_signxml(monkeypatch):
    """Validation that would fail if it asked signxml."""
    def refuse(*args, **kwargs):
        raise AssertionError("signxml was asked")

    monkeypatch.setattr(xml.XMLVerifier, "verify", refuse)


@pytest.mark.parametrize("placement", ["header", "first child", "no whitespace"])
def test_tinhso_signatures_are_verified_without_signxml(person, no_signxml, placement):
    """Wherever the Signature sits, the text after it stays in the digested document: the
    enveloped transform takes the element out, not the whitespace that follows it."""
    envelope = ENVELOPE
    slot = b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>'
    if placement == "first child":
        envelope = envelope.replace(b"\n   " + slot, b"").replace(
            b"<edXML:edXMLHeader>", b"<edXML:edXMLHeader>\n   " + slot)
    elif placement == "no whitespace":
        envelope = re.sub(rb">\s+<", b"><", envelope)
    signed = xml.sign(envelope, person)
    assert enveloped_profile.verifies(signed, signer_cert(signed))
    result = xml.validate(signed)
    assert result.code == verdicts.VALID, result.message


def test_what_xmlsec1_signs_in_the_profile_is_verified(pki, person, tmp_path):
    """An independent signer: the digest and the canonical SignedInfo computed here are the
    ones xmlsec1 computed. (xmlsec1 lists the CA's certificate before the signer's, so the
    signer's is given here.)"""
    binary = checker("xmlsec1")
    template = ENVELOPE.replace(
        b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>',
        f"""<ds:Signature xmlns:ds="{DS}">
    <ds:SignedInfo>
     <ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
     <ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
     <ds:Reference URI="">
      <ds:Transforms>
       <ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
       <ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
      </ds:Transforms>
      <ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
      <ds:DigestValue/>
     </ds:Reference>
    </ds:SignedInfo>
    <ds:SignatureValue/>
    <ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo>
   </ds:Signature>""".encode())
    (tmp_path / "template.xml").write_bytes(template)
    out = tmp_path / "signed.xml"
    result = subprocess.run(
        [binary, "--sign", "--pkcs12", str(pki.folder / "people" / f"{PERSON[0]}.p12"),
         "--pwd", PASSWORD, "--output", str(out), str(tmp_path / "template.xml")],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    signed = out.read_bytes()
    cert = person.certificate_chain()[0]
    assert enveloped_profile.verifies(signed, cert)
    assert signxml_accepts(signed, cert)
    forged = signed.replace("cấp giấy phép".encode(), "thu hồi giấy phép".encode())
    assert not enveloped_profile.verifies(forged, cert)


def _variants(signed: bytes) -> dict[str, bytes]:
    text = signed.decode()
    value = re.search(r"<SignatureValue>([^<]+)</SignatureValue>", text).group(1)
    reference = re.search(r"<ds:Reference URI=\"\">.*?</ds:Reference>", text, re.S).group(0)
    return {
        "altered subject": text.replace("cấp giấy phép", "thu hồi giấy phép"),
        "altered signature value": text.replace(value, value[:10] + (
            "A" if value[10] != "A" else "B") + value[11:]),
        "a fragment reference": text.replace('URI=""', 'URI="#x"', 1),
        "two references": text.replace(reference, reference + reference),
        "inclusive c14n": text.replace("xml-exc-c14n#", "REC-xml-c14n-20010315"),
        "SHA-1": text.replace("xmldsig-more#rsa-sha256", "xmldsig#rsa-sha1"),
        "a key name beside the certificate": text.replace(
            "<KeyInfo>", "<KeyInfo><KeyName>k</KeyName>"),
        "a comment in the signed info": text.replace(
            "<ds:SignatureMethod", "<!-- x --><ds:SignatureMethod"),
        "an attribute on the reference": text.replace('URI=""', 'URI="" Type="x"', 1),
        "a second signature": text.replace(
            "<edXML:edXMLBody/>", f'<edXML:edXMLBody><Signature xmlns="{DS}"/></edXML:edXMLBody>'),
        "a DTD": text.replace("<edXML:edXML ", "<!DOCTYPE edXML:edXML []><edXML:edXML ", 1),
        "a comment in the document": text.replace(
            "<edXML:edXMLBody/>", "<edXML:edXMLBody/><!-- ghi chu -->"),
        "whitespace after the signature": text.replace("</Signature>", "</Signature> "),
    }


def test_it_never_verifies_what_signxml_refuses(person):
    signed = xml.sign(ENVELOPE, person)
    cert = signer_cert(signed)
    outcomes = {}
    for name, variant in _variants(signed).items():
        data = variant.encode()
        assert data != signed, name
        fast = enveloped_profile.verifies(data, cert)
        if fast:
            assert signxml_accepts(data, cert), name
        outcomes[name] = fast
    # Comments are not signed under URI="", so adding one changes nothing; added whitespace
    # after the signature is document text, so it breaks the digest.
    assert {name for name, fast in outcomes.items() if fast} == {"a comment in the document"}


def test_what_it_leaves_is_judged_by_signxml_as_before(person):
    signed = xml.sign(ENVELOPE, person)
    variants = _variants(signed)
    assert xml.validate(variants["altered subject"].encode()).code == verdicts.ALTERED
    assert xml.validate(variants["altered signature value"].encode()).code == verdicts.INVALID
    assert xml.validate(variants["a fragment reference"].encode()).code == verdicts.INVALID


def test_a_chain_found_valid_is_not_judged_again_within_a_minute(person, monkeypatch):
    signed = xml.sign(ENVELOPE, person)
    xml._valid_chains.clear()
    judged = []
    real = xml.CertificateValidator

    def counting(*args, **kwargs):
        judged.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(xml, "CertificateValidator", counting)
    assert xml.validate(signed).code == verdicts.VALID
    assert xml.validate(signed).code == verdicts.VALID
    assert len(judged) == 1
    now = xml.time.time()
    monkeypatch.setattr(xml.time, "time", lambda: now + xml._VALID_FOR + 1)
    assert xml.validate(signed).code == verdicts.VALID
    assert len(judged) == 2  # a minute later it is asked again
    # A new CRL is a new trust, so a kept chain is judged again: test_xml's
    # test_a_revoked_certificate_is_revoked validates (and so keeps) a chain, revokes it and
    # gets `revoked`.


def test_a_chain_is_kept_no_longer_than_its_certificates_and_crls(person, monkeypatch):
    chain = person.certificate_chain()
    trust = configured_trust()
    assert xml._valid_until(chain, trust) <= xml.time.time() + xml._VALID_FOR
    monkeypatch.setattr(xml, "_VALID_FOR", 100 * 365 * 86400.0)  # the other bounds show
    ends = [c.not_valid_after_utc.timestamp() for c in chain]
    ends += [r["tbs_certificate"]["validity"]["not_after"].native.timestamp()
             for r in trust.roots]
    due = [crl["tbs_cert_list"]["next_update"].native.timestamp() for crl in trust.crls]
    assert due
    assert xml._valid_until(chain, trust) == min(ends + due)
