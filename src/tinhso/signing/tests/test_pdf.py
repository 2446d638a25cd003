"""PAdES: sign, then validate offline; each verdict comes from a real manipulation of the
signed file, and poppler's pdfsig (NSS) judges the same files independently."""

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from asn1crypto import cms
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pypdf import PageObject, PdfReader
from pypdf.generic import NameObject

from tinhso.signing import pdf, verdicts
from tinhso.signing.keys import Pkcs12Signer
from tinhso.signing.ports import SigningError
from tinhso.signing.trust import configured_trust

from .conftest import AGENCY, PASSWORD, PERSON, TEXT, make_pdf

LEADER = pdf.Appearance(PERSON[1], PERSON[2], PERSON[3])
SEAL = pdf.Appearance(AGENCY[1], seal=True)


@pytest.fixture(scope="module")
def document() -> bytes:
    return make_pdf()


def signed_twice(document, person, seal) -> bytes:
    return pdf.sign(pdf.sign(document, person, LEADER), seal, SEAL)


def appearance_texts(data: bytes) -> list[str]:
    """The text drawn in each signature's visible appearance (its /AP stream)."""
    reader = PdfReader(BytesIO(data))
    texts = []
    for annot in reader.pages[-1]["/Annots"]:
        stream = annot.get_object()["/AP"]["/N"].get_object()
        page = PageObject.create_blank_page(width=300, height=100)
        page[NameObject("/Resources")] = stream["/Resources"]
        page.replace_contents(stream)
        texts.append(page.extract_text())
    return texts


def test_a_signed_pdf_is_valid_with_its_signer_and_time(document, person, tmp_path, pdfsig,
                                                        pki):
    signed = pdf.sign(document, person, LEADER)
    result = pdf.validate(signed)
    assert result.code == verdicts.VALID, result.message
    assert (result.signer_name, result.organisation) == (PERSON[1], PERSON[3])
    assert result.signing_time is not None
    assert result.message.startswith("Chữ ký số hợp lệ")
    report = pdfsig(signed, tmp_path, pki.trust_root_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate is Trusted." in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    # The validation data (DSS) is in the signature's own revision: all of the file is signed.
    assert "Total document signed" in report and "Not total" not in report


def test_seal_beside_the_person_each_valid_and_visible(document, person, seal, tmp_path, pdfsig,
                                                       pki):
    signed = signed_twice(document, person, seal)
    result = pdf.validate(signed)
    assert result.code == verdicts.VALID, result.message
    assert [s.code for s in result.signatures] == [verdicts.VALID, verdicts.VALID]
    assert [s.signer_name for s in result.signatures] == [PERSON[1], AGENCY[1]]
    assert result.signer_name == PERSON[1]  # the document's signer is the person
    # The seal is an incremental update: the person's signature covers the first revision.
    assert signed.startswith(pdf.sign(document, person, LEADER)[:len(document)])
    report = pdfsig(signed, tmp_path, pki.trust_root_path)
    assert report.count("Signature Validation: Signature is Valid.") == 2
    assert report.count("Certificate Validation: Certificate is Trusted.") == 2
    texts = appearance_texts(signed)
    person_text = next(t for t in texts if "Người ký" in t)
    seal_text = next(t for t in texts if "Người ký" not in t)
    assert f"Người ký: {PERSON[1]}" in person_text
    assert f"Chức vụ: {PERSON[2]}" in person_text
    assert f"Cơ quan: {PERSON[3]}" in person_text
    assert re.search(r"Thời gian ký: \d\d:\d\d:\d\d \d\d/\d\d/\d{4}", person_text)
    assert f"Cơ quan: {AGENCY[1]}" in seal_text
    assert re.search(r"Thời gian ký: \d\d:\d\d:\d\d \d\d/\d\d/\d{4}", seal_text)


def test_validation_data_is_embedded_for_long_term_validation(document, person, pki):
    signed = pdf.sign(document, person, LEADER)
    reader = PdfFileReader(BytesIO(signed))
    assert reader.xrefs.total_revisions == 2  # the document, then signature with its DSS
    dss = reader.root["/DSS"]
    assert len(dss["/CRLs"]) == 2  # the subordinate CA's and the root's
    assert len(dss["/Certs"]) >= 3  # signer, subordinate CA, root
    # Without any configured CRL, the embedded ones still vouch for the chain.
    trust = configured_trust([pki.trust_root_path], [])
    assert pdf.validate(signed, trust=trust).code == verdicts.VALID


def test_a_word_changed_after_signing_is_altered(document, person, tmp_path, pdfsig, pki):
    signed = pdf.sign(document, person, LEADER)
    word = TEXT.encode()
    assert word in signed
    forged = signed.replace(word, word.replace(b"123", b"128"), 1)
    result = pdf.validate(forged)
    assert result.code == verdicts.ALTERED
    assert result.message.startswith("Tài liệu đã bị thay đổi sau khi ký")
    report = pdfsig(forged, tmp_path, pki.trust_root_path)
    assert "Signature Validation: Digest Mismatch." in report


def test_content_added_in_a_later_update_is_altered(document, person, tmp_path, pdfsig, pki):
    signed = pdf.sign(document, person, LEADER)
    writer = IncrementalPdfFileWriter(BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 100 700 Td (DA DUYET) Tj ET")
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    result = pdf.validate(out.getvalue())
    assert result.code == verdicts.ALTERED
    # pdfsig checks the signed bytes only: it finds the signature valid but not covering all.
    report = pdfsig(out.getvalue(), tmp_path, pki.trust_root_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Not total document signed" in report


def test_a_corrupted_signature_value_is_invalid(document, person, tmp_path, pdfsig, pki):
    signed = pdf.sign(document, person, LEADER)
    embedded = PdfFileReader(BytesIO(signed)).embedded_signatures[0]
    value = embedded.signed_data["signer_infos"][0]["signature"].native
    assert isinstance(embedded.signed_data, cms.SignedData)
    hex_value = value.hex().encode()
    position = signed.lower().index(hex_value) + 10
    flipped = b"0" if signed[position:position + 1] != b"0" else b"1"
    forged = signed[:position] + flipped + signed[position + 1:]
    result = pdf.validate(forged)
    assert result.code == verdicts.INVALID
    assert result.signer_name == PERSON[1]
    report = pdfsig(forged, tmp_path, pki.trust_root_path)
    assert "Signature Validation: Signature is Invalid." in report


def test_a_revoked_certificate_is_revoked(document, pki, tmp_path, pdfsig):
    path = pki.issue_person("bi.thu.hoi", "Trần Thị Bích", "Phó Giám đốc",
                            "Sở Tư pháp tỉnh Phú Thọ", PASSWORD)
    signer = Pkcs12Signer(path, PASSWORD)
    signed = pdf.sign(document, signer, pdf.Appearance("Trần Thị Bích", "Phó Giám đốc"))
    assert pdf.validate(signed).code == verdicts.VALID
    pki.revoke(signer.certificate_chain()[0], "person:bi.thu.hoi")
    result = pdf.validate(signed)
    assert result.code == verdicts.REVOKED
    assert result.message.startswith("Chứng thư số của người ký đã bị thu hồi")
    # Nor can a revoked key sign again.
    with pytest.raises(SigningError):
        pdf.sign(document, signer, pdf.Appearance("Trần Thị Bích"))
    report = pdfsig(signed, tmp_path, pki.trust_root_path, crls=pki.crl_paths)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate has been Revoked." in report


def test_a_certificate_from_another_ca_is_an_unknown_signer(document, other_pki, tmp_path,
                                                            pdfsig, pki):
    impostor = Pkcs12Signer(other_pki.folder / "people" / "ke.mao.danh.p12", PASSWORD)
    # Signed where the other CA is trusted (its own world), checked where it is not.
    their_trust = configured_trust([other_pki.trust_root_path], other_pki.crl_paths)
    signed = pdf.sign(document, impostor, LEADER, trust=their_trust)
    assert pdf.validate(signed, trust=their_trust).code == verdicts.VALID
    result = pdf.validate(signed)
    assert result.code == verdicts.UNKNOWN_SIGNER
    assert result.signer_name == PERSON[1]  # the name claimed, which nobody vouches for
    report = pdfsig(signed, tmp_path, pki.trust_root_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Certificate Validation: Certificate issuer is unknown." in report


def test_an_untrusted_key_cannot_sign(document, other_pki):
    impostor = Pkcs12Signer(other_pki.folder / "people" / "ke.mao.danh.p12", PASSWORD)
    with pytest.raises(SigningError) as error:
        pdf.sign(document, impostor, LEADER)
    assert error.value.code == "certificate_not_valid"


def test_an_unsigned_pdf_is_absent_and_garbage_is_invalid(document, tmp_path, pdfsig, pki):
    assert pdf.validate(document).code == verdicts.ABSENT
    assert pdf.validate(document).message == "Tài liệu không có chữ ký số."
    report = pdfsig(document, tmp_path, pki.trust_root_path)
    assert "does not contain any signatures" in report
    assert pdf.validate(b"PK\x03\x04 not a pdf").code == verdicts.INVALID


def test_no_byte_outside_the_signature_value_can_change_and_stay_valid(document, person):
    """Flip one byte at 60 places spread over the signed file (never inside /Contents, which
    the signature cannot cover): every one is judged, none is valid, nothing raises."""
    signed = pdf.sign(document, person, LEADER)
    start, length, after, _rest = PdfFileReader(BytesIO(signed)).embedded_signatures[0] \
        .byte_range
    covered = [*range(start, start + length), *range(after, len(signed))]
    assert len(covered) == len(signed) - (after - start - length)  # all but /Contents
    positions = covered[::len(covered) // 60]
    for position in positions:
        forged = signed[:position] + bytes([signed[position] ^ 0x01]) + signed[position + 1:]
        result = pdf.validate(forged)
        assert result.code != verdicts.VALID, position
        assert result.code in (verdicts.ALTERED, verdicts.INVALID, verdicts.ABSENT), position


def test_signing_and_validating_work_inside_a_running_event_loop(document, person):
    # An aiohttp service, or a browser driver in the same test session, runs a loop in the
    # caller's thread; pyHanko's own sync entry points would refuse to start there.
    async def inside_a_loop():
        return pdf.validate(pdf.sign(document, person, LEADER))

    # A thread of its own, so that its loop is the only one whatever the test session runs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        verdict = pool.submit(asyncio.run, inside_a_loop()).result()
    assert verdict.code == verdicts.VALID
