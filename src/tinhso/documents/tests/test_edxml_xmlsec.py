"""xmlsec1, an independent XMLDSig implementation, verifies what tinhso seals against the
province's root, and rejects the same packages once altered or when it trusts another root.
Skipped only where xmlsec1 is not installed (CI installs it, and fails instead)."""

import os
import shutil
import subprocess

import pytest

from tinhso.documents import edxml
from tinhso.documents.edxml import codes

from .test_edxml import _pkis, a_document, a_status, files, seal_of, sealed, trusted  # noqa: F401


@pytest.fixture
def xmlsec(tmp_path):
    binary = shutil.which("xmlsec1")
    if not binary:
        message = "Không có xmlsec1 (apt-get install xmlsec1)."
        if os.environ.get("CI"):
            pytest.fail("CI: " + message)
        pytest.skip(message)

    def run(data: bytes, root) -> tuple[bool, str]:
        path = tmp_path / "goi-tin.xml"
        path.write_bytes(data)
        result = subprocess.run([binary, "--verify", "--trusted-pem", str(root), str(path)],
                                capture_output=True, text=True, timeout=60)
        return result.returncode == 0, result.stdout + result.stderr

    return run


def test_xmlsec1_verifies_a_sealed_document_and_a_status(xmlsec):
    pki, _other = _pkis()
    for data in (edxml.build_document(a_document(), files()),
                 edxml.build_status(a_status(codes.COMPLETED))):
        signed = sealed(data)
        assert edxml.parse(signed).signature.verdict == "valid"
        accepted, output = xmlsec(signed, pki.trust_root_path)
        assert accepted, output
        assert "OK" in output


def test_xmlsec1_verifies_a_package_with_a_large_attachment(xmlsec):
    big = edxml.Attachment("scan.pdf", os.urandom(1024 * 1024))
    signed = sealed(edxml.build_document(a_document(), [big]))
    accepted, output = xmlsec(signed, _pkis()[0].trust_root_path)
    assert accepted, output
    assert edxml.parse(signed).attachments[0].data == big.data


def test_xmlsec1_rejects_an_altered_package_and_an_untrusted_seal(xmlsec):
    pki, other = _pkis()
    signed = sealed(edxml.build_document(a_document(), files()))
    forged = signed.replace("cấp giấy phép".encode(), "thu hồi giấy phép".encode())
    accepted, output = xmlsec(forged, pki.trust_root_path)
    assert not accepted and "FAIL" in output
    impostor = sealed(edxml.build_document(a_document()), seal_of(other))
    accepted, output = xmlsec(impostor, pki.trust_root_path)
    assert not accepted, output
    accepted, output = xmlsec(impostor, other.trust_root_path)
    assert accepted, output  # a real signature, only not from a CA the province trusts
    assert edxml.parse(impostor).signature.code == "unknown_signer"
