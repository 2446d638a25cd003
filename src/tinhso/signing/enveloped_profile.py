"""The one XMLDSig profile tinhso signs with, checked directly: an enveloped signature over the
whole document (one Reference, URI=""), exclusive c14n, SHA-2 digests, RSA PKCS#1 v1.5.

signxml verifies any profile, and to do so it serialises and re-parses the tree three times
and the signature once more: for a 1.4 MB edXML package that was two thirds of its 14 ms,
and the exchange axis verifies every package it receives. A signature that follows this
profile element for element is verified here with one parse and two canonicalisations; any
other shape, and any check that fails, is left to signxml, whose verdict and reason then
stand. So this path can only say "verified", never refuse: a document it cannot vouch for
is judged exactly as before.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
_SIGNATURE_HASHES = {
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512": hashes.SHA512,
}
_DIGESTS = {
    "http://www.w3.org/2001/04/xmlenc#sha256": hashes.SHA256,
    "http://www.w3.org/2001/04/xmldsig-more#sha384": hashes.SHA384,
    "http://www.w3.org/2001/04/xmlenc#sha512": hashes.SHA512,
}
# No entities, no network, no DTD: the same untrusted-input rules as the general path.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          remove_blank_text=False, load_dtd=False)


def _ds(name: str) -> str:
    return f"{{{DS}}}{name}"


def _children(node, *names: str) -> list | None:
    """`node`'s element children when they are exactly `names` in that order (comments and
    processing instructions count as a difference), else None."""
    kids = list(node)
    if [k.tag for k in kids] != [_ds(n) for n in names]:
        return None
    return kids


def _bare(node, algorithm: str | None = None) -> bool:
    """No children, no text, no attribute but Algorithm, and that one `algorithm` if given."""
    if len(node) or (node.text or "").strip() or set(node.attrib) - {"Algorithm"}:
        return False
    return algorithm is None or node.get("Algorithm") == algorithm


def _b64(text: str | None) -> bytes:
    return base64.b64decode("".join((text or "").split()), validate=True)


def _digest(algorithm, data: bytes) -> bytes:
    h = hashes.Hash(algorithm())
    h.update(data)
    return h.finalize()


def _document_without(signature) -> bytes:
    """The document canonicalised after the enveloped-signature transform: the Signature
    element leaves and the text after it stays where it was."""
    parent = signature.getparent()
    tail, before = signature.tail, signature.getprevious()
    parent.remove(signature)
    if tail:
        if before is not None:
            before.tail = (before.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    return etree.tostring(parent.getroottree(), method="c14n", exclusive=True,
                          with_comments=False)


def _certificates_only(key_info) -> bool:
    """KeyInfo holding X509Data with certificates and nothing else (the shape the schema and
    the caller, which reads the signer from the first certificate, both expect)."""
    data = _children(key_info, "X509Data")
    if data is None or key_info.attrib or data[0].attrib or not len(data[0]):
        return False
    return all(c.tag == _ds("X509Certificate") and not c.attrib and not len(c)
               for c in data[0])


def _shape(signature) -> tuple | None:
    """(SignedInfo, SignatureValue, DigestValue, signature hash, digest hash) of a signature
    that is the profile element for element, else None."""
    parts = (_children(signature, "SignedInfo", "SignatureValue", "KeyInfo")
             or _children(signature, "SignedInfo", "SignatureValue"))
    if parts is None or set(signature.attrib) - {"Id"}:
        return None
    signed_info, value = parts[0], parts[1]
    if len(value) or set(value.attrib) - {"Id"}:
        return None
    if len(parts) == 3 and not _certificates_only(parts[2]):
        return None
    info = _children(signed_info, "CanonicalizationMethod", "SignatureMethod", "Reference")
    if info is None or signed_info.attrib:
        return None
    c14n, method, reference = info
    signature_hash = _SIGNATURE_HASHES.get(method.get("Algorithm"))
    if not _bare(c14n, EXC_C14N) or signature_hash is None or not _bare(method):
        return None
    ref = _children(reference, "Transforms", "DigestMethod", "DigestValue")
    if ref is None or dict(reference.attrib) != {"URI": ""}:
        return None
    transforms, digest_method, digest_value = ref
    steps = _children(transforms, "Transform", "Transform")
    if (steps is None or transforms.attrib or not _bare(steps[0], ENVELOPED)
            or not _bare(steps[1], EXC_C14N)):
        return None
    digest_hash = _DIGESTS.get(digest_method.get("Algorithm"))
    if digest_hash is None or not _bare(digest_method) or len(digest_value):
        return None
    return signed_info, value, digest_value, signature_hash, digest_hash


def verifies(data: bytes, cert: x509.Certificate) -> bool:
    """True when `data`'s one signature follows the profile and verifies with `cert`'s key;
    False means "ask signxml", not "invalid"."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return False
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        return False
    signatures = root.findall(f".//{_ds('Signature')}")
    if len(signatures) != 1 or signatures[0] is root or not isinstance(
            cert.public_key(), rsa.RSAPublicKey):
        return False
    shape = _shape(signatures[0])
    if shape is None:
        return False
    signed_info, value, digest_value, signature_hash, digest_hash = shape
    try:
        expected, raw_signature = _b64(digest_value.text), _b64(value.text)
    except (binascii.Error, ValueError):
        return False
    # SignedInfo is read before the transform takes its Signature out of the document.
    signed_info_c14n = etree.tostring(signed_info, method="c14n", exclusive=True,
                                      with_comments=False)
    if not hmac.compare_digest(_digest(digest_hash, _document_without(signatures[0])),
                               expected):
        return False
    try:
        cert.public_key().verify(raw_signature, signed_info_c14n, padding.PKCS1v15(),
                                 signature_hash())
    except InvalidSignature:
        return False
    return True
