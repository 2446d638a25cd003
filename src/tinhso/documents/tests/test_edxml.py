"""edXML packages: built, sealed by the signing service, parsed back; every kind of bad
package tried, each with the refusal or verdict it gets; element order and canonicalisation
variants that must still read. The PKI is real (made once per test run), so every verdict
comes from a real signature check."""

from __future__ import annotations

import atexit
import base64
import functools
import re
import shutil
import tempfile
from dataclasses import replace
from datetime import date, datetime

import pytest
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConstructionMethod,
    SignatureMethod,
    XMLSigner,
)

from tinhso.core.models import AuditEntry
from tinhso.core.tests.factories import AgencyFactory, StaffFactory
from tinhso.documents import edxml
from tinhso.documents.edxml import codes
from tinhso.documents.edxml.names import DS, HANOI, q
from tinhso.signing import verdicts, xml
from tinhso.signing.keys import Pkcs12Signer
from tinhso.signing.pki import DemoPki
from tinhso.signing.testing import PASSWORD, use_pki

SENDER = edxml.Organ("H44.03", "Sở Tư pháp tỉnh Phú Thọ", organ_add="Việt Trì",
                     email="stp@phutho.gov.vn")
RECEIVER = edxml.Organ("H44.07", "Sở Xây dựng tỉnh Phú Thọ")
OTHER_RECEIVER = edxml.Organ("H44.10", "Sở Y tế tỉnh Phú Thọ")
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


@functools.cache
def _pkis() -> tuple[DemoPki, DemoPki]:
    """The province's PKI (a seal for the sender) and a CA nobody configured; made once for
    the whole run, shared by the edxml test modules."""
    folder = tempfile.mkdtemp(prefix="edxml-pki-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    pki = DemoPki(f"{folder}/pki")
    pki.issue_seal(SENDER.organ_id, SENDER.organ_name, PASSWORD)
    pki.issue_seal(RECEIVER.organ_id, RECEIVER.organ_name, PASSWORD)
    other = DemoPki(f"{folder}/other", root_name="Mot CA la", ca_name="Mot CA la cap duoi",
                    organisation="Khong ai biet")
    other.issue_seal(SENDER.organ_id, SENDER.organ_name, PASSWORD)
    return pki, other


@pytest.fixture
def pki():
    return _pkis()[0]


@pytest.fixture(autouse=True)
def trusted(settings):
    use_pki(settings, _pkis()[0])


def seal_of(pki: DemoPki, organ_id: str = SENDER.organ_id) -> Pkcs12Signer:
    return Pkcs12Signer(pki.folder / "seals" / f"{organ_id}.p12", PASSWORD)


def sealed(data: bytes, signer: Pkcs12Signer | None = None) -> bytes:
    """Signed as the service signs (its xml.sign, in the header's slot), without the database
    and audit the service adds (tested once, below)."""
    return xml.sign(edxml.with_signature_slot(data), signer or seal_of(_pkis()[0]))


def a_document(**changes) -> edxml.Document:
    document = edxml.Document(
        sender=SENDER, receivers=(RECEIVER, OTHER_RECEIVER),
        code=edxml.Code("123", "QĐ-UBND"),
        promulgation=edxml.Promulgation(date(2026, 12, 5), "Phú Thọ"),
        document_type=edxml.DocumentType(2, 1, "Quyết định"),
        subject="Về việc cấp giấy phép xây dựng",
        signer=edxml.SignerInfo("Nguyễn Văn An", "Giám đốc", "TM. Ủy ban nhân dân"),
        content="Cấp giấy phép xây dựng cho công trình nhà ở riêng lẻ.",
        due_date=date(2026, 12, 20), to_places=("Như Điều 3", "Lưu: VT"),
        other=edxml.OtherInfo(priority=1, sphere_of_promulgation="Trong tỉnh",
                              typer_notation="NVA", promulgation_amount=5, page_amount=2,
                              direction="1", appendixes=("Phụ lục I",)),
        response_for=(edxml.ResponseFor("H44.07", "H44.07,2026/11/30,45/TTr-SXD",
                                        "45/TTr-SXD", date(2026, 11, 30)),),
        steering_type=2,
        business=edxml.BusinessInfo(codes.BUSINESS_NEW))
    return replace(document, **changes)


def files() -> list[edxml.Attachment]:
    return [edxml.Attachment("quyet-dinh.pdf", PDF, description="Văn bản"),
            edxml.Attachment("phu-luc.docx", b"PK\x03\x04 phu luc",
                             content_type="application/vnd.openxmlformats-officedocument."
                                          "wordprocessingml.document")]


def a_status(code: str = codes.REGISTERED) -> edxml.Status:
    return edxml.Status(
        sender=RECEIVER,
        response_for=edxml.ResponseFor(SENDER.organ_id, "H44.03,2026/12/05,123/QĐ-UBND",
                                       "123/QĐ-UBND", date(2026, 12, 5)),
        status_code=code, timestamp=datetime(2026, 12, 6, 9, 30, 0, tzinfo=HANOI),
        description="Đã vào sổ văn bản đến số 88",
        staff=edxml.StaffInfo("Văn phòng", "Trần Thị Bình", "0912345678", "vt@phutho.gov.vn"))


def refused(data: bytes, code: str, **options) -> str:
    with pytest.raises(edxml.EdxmlError) as caught:
        edxml.parse(data, **options)
    assert caught.value.code == code, caught.value.message
    return str(caught.value.message)


def edit(data: bytes, change) -> bytes:
    """The package with `change(root)` applied to its tree."""
    root = etree.fromstring(data)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- round trips ------------------------------------------------------------------------

def test_a_document_reads_back_as_it_was_built_and_its_seal_is_valid():
    package = edxml.parse(sealed(edxml.build_document(a_document(), files())))
    assert package.kind == "document"
    assert package.document == replace(a_document(),
                                       document_id="H44.03,2026/12/05,123/QĐ-UBND")
    assert [(a.name, a.data, a.content_id) for a in package.attachments] == [
        ("quyet-dinh.pdf", PDF, "cid:1"), ("phu-luc.docx", b"PK\x03\x04 phu luc", "cid:2")]
    assert package.signature.verdict == "valid", package.signature.reason
    assert package.signature.organisation == SENDER.organ_name
    assert edxml.check_acceptable(package) is None


def test_an_update_and_a_replacement_carry_their_lists():
    update = a_document(business=edxml.BusinessInfo(
        codes.BUSINESS_UPDATE, "Bổ sung nơi nhận",
        receivers=(edxml.Receiver(codes.RECEIVER_ADDED, "H44.12"),
                   edxml.Receiver(codes.RECEIVER_REMOVED, "H44.10"))))
    replacement = a_document(business=edxml.BusinessInfo(
        codes.BUSINESS_REPLACEMENT, "Sai sót", replacements=(
            edxml.Replacement("H44.03,2026/12/01,120/QĐ-UBND", ("H44.07", "H44.10")),)))
    for document in (update, replacement):
        parsed = edxml.parse(edxml.build_document(document), check_signature=False).document
        assert parsed.business == document.business


def test_a_status_reads_back_as_it_was_built():
    package = edxml.parse(sealed(edxml.build_status(a_status())))
    assert package.kind == "status"
    assert package.status == a_status()
    assert package.attachments == ()
    assert package.signature.verdict == "valid"


def test_sealed_through_the_service_by_an_official_of_the_sending_agency(db, pki):
    agency = AgencyFactory(code=SENDER.organ_id, name=SENDER.organ_name)
    clerk = StaffFactory(agency=agency)
    data = edxml.build_document(a_document(), files())
    signed = edxml.sign(clerk, data)
    header = etree.fromstring(signed).find(f"{q('edXMLEnvelope')}/{q('edXMLHeader')}")
    assert header[-1].tag == f"{{{DS}}}Signature"  # the standard's place, not the root's end
    assert b"xml-exc-c14n" in signed and b"rsa-sha256" in signed
    package = edxml.parse(signed)
    assert package.signature.verdict == "valid", package.signature.reason
    assert package.signature.signer_name == SENDER.organ_name  # the seal, not a person
    entry = AuditEntry.objects.get(action="signing.xml_signed")
    assert entry.actor_id == clerk.pk
    with pytest.raises(edxml.EdxmlError) as caught:
        edxml.sign(clerk, signed)
    assert caught.value.code == "already_signed"


def test_the_builder_refuses_what_the_parser_would():
    with pytest.raises(edxml.EdxmlError) as caught:
        edxml.build_document(a_document(other=edxml.OtherInfo(priority=9)))
    assert caught.value.code == "bad_code"
    with pytest.raises(edxml.EdxmlError):
        edxml.build_status(a_status(code="07"))
    with pytest.raises(edxml.EdxmlError):
        edxml.build_document(a_document(receivers=()))


# --- what is refused --------------------------------------------------------------------

def test_malformed_xml_is_refused():
    data = edxml.build_document(a_document())
    message = refused(data.replace(b"</edXML:Subject>", b"</edXML:Subjec>"), "malformed_xml")
    assert message.startswith("Gói tin không đúng cú pháp XML")
    refused(b"", "malformed_xml")
    refused(b"not xml at all", "malformed_xml")


def test_an_undeclared_namespace_prefix_is_refused_by_name():
    data = edxml.build_document(a_document()).replace(
        b"<edXML:Subject>", b"<edXML:Subject><vbdt:Ghi>x</vbdt:Ghi>", 1)
    message = refused(data, "undeclared_prefix")
    assert "tiền tố không gian tên “vbdt”" in message
    assert "chưa được khai báo" in message


def test_xml_that_is_not_edxml_is_refused():
    assert "phần tử gốc là “html”" in refused(b"<html><body/></html>", "not_edxml")
    wrong_namespace = edxml.build_document(a_document()).replace(
        edxml.NS.encode(), b"http://example.org/khong-phai-edxml")
    refused(wrong_namespace, "not_edxml")
    refused(f'<edXML:edXML xmlns:edXML="{edxml.NS}"/>'.encode(), "not_edxml")


def test_a_dtd_is_refused_and_no_entity_is_expanded():
    data = edxml.build_document(a_document()).replace(
        b"<edXML:edXML ", b'<!DOCTYPE edXML:edXML [<!ENTITY x "y">]><edXML:edXML ', 1)
    refused(data, "dtd_forbidden")


def test_an_oversized_package_is_refused_before_it_is_parsed():
    data = edxml.build_document(a_document(), files())
    message = refused(data, "too_large", max_bytes=len(data) - 1)
    assert "vượt giới hạn" in message
    # Garbage over the limit is refused on its size: the parser never saw it.
    refused(b"<" * 2000, "too_large", max_bytes=1000)
    assert edxml.parse(data, max_bytes=len(data), check_signature=False).kind == "document"


def test_one_file_over_libxml2s_text_limit_is_refused_as_too_large():
    """About 7.5 MB decoded: libxml2 stops a text node at 10 MB unless its huge mode is on,
    which stays off for untrusted input."""
    data = edxml.build_document(a_document(), files()).replace(
        base64.b64encode(PDF), b"A" * 10_000_004)
    assert "quá lớn" in refused(data, "too_large")


def test_a_manifest_entry_without_its_file_is_refused():
    def drop_second(root):
        encoded = root.find(q("AttachmentEncoded"))
        encoded.remove(encoded[1])

    data = edit(edxml.build_document(a_document(), files()), drop_second)
    message = refused(data, "missing_attachment")
    assert "phu-luc.docx" in message and "cid:2" in message


def test_a_file_outside_the_manifest_is_refused():
    def drop_reference(root):
        manifest = root.find(f".//{q('edXMLManifest')}")
        manifest.remove(manifest[0])

    data = edit(edxml.build_document(a_document(), files()), drop_reference)
    assert "cid:1" in refused(data, "attachment_not_in_manifest")


def test_bad_base64_is_refused():
    def spoil(root):
        root.find(f"{q('AttachmentEncoded')}/{q('Attachment')}").text = "JVBERi0x$$$không"

    assert "quyet-dinh.pdf" in refused(edit(edxml.build_document(a_document(), files()),
                                            spoil), "bad_base64")


@pytest.mark.parametrize(("element", "value", "code"), [
    ("Priority", "7", "bad_code"),
    ("SteeringType", "0", "bad_code"),
    ("BussinessDocType", "4", "bad_code"),
    ("Type", "3", "bad_code"),
    ("Priority", "khẩn", "bad_value"),
    ("PromulgationDate", "05/12/2026", "bad_value"),
    ("PromulgationDate", "2026/02/30", "bad_value"),
    ("DocumentId", "H44.03-123", "bad_value"),
    ("DocumentId", "H44.99,2026/12/05,123/QĐ-UBND", "document_id_mismatch"),
    ("Subject", "", "missing_field"),
    ("CodeNumber", "  ", "missing_field"),
])
def test_a_field_out_of_its_list_or_form_is_refused(element, value, code):
    def set_value(root):
        root.find(f".//{q(element)}").text = value

    message = refused(edit(edxml.build_document(a_document()), set_value), code)
    assert element in message


def test_a_status_code_out_of_its_list_is_refused_and_a_lost_zero_is_forgiven():
    def set_code(value):
        return lambda root: setattr(root.find(f".//{q('StatusCode')}"), "text", value)

    data = edxml.build_status(a_status())
    assert "StatusCode = 07" in refused(edit(data, set_code("07")), "bad_code")
    refused(edit(data, set_code("")), "missing_field")
    forgiven = edxml.parse(edit(data, set_code("3")), check_signature=False)
    assert forgiven.status.status_code == "03"
    bad_time = lambda root: setattr(root.find(f".//{q('Timestamp')}"), "text",  # noqa: E731
                                    "2026-12-06T09:30:00")
    refused(edit(data, bad_time), "bad_value")


def test_a_package_with_no_receiver_or_no_sender_is_refused():
    def drop(name):
        def change(root):
            for node in root.findall(f".//{q(name)}"):
                node.getparent().remove(node)
        return change

    data = edxml.build_document(a_document())
    assert "To" in refused(edit(data, drop("To")), "missing_field")
    assert "From" in refused(edit(data, drop("From")), "missing_field")
    refused(edit(data, drop("MessageHeader")), "bad_structure")


# --- signatures: what each gets -----------------------------------------------------------

def test_an_unsigned_package_reads_and_is_refused_by_the_policy():
    package = edxml.parse(edxml.build_document(a_document(), files()))
    assert (package.signature.verdict, package.signature.code) == ("absent", "absent")
    assert package.signature.reason == "Tài liệu không có chữ ký số."
    refusal = edxml.check_acceptable(package)
    assert refusal.status_code == codes.REFUSED == "02"
    assert refusal.code == "absent" and "không có chữ ký số" in refusal.reason


def test_a_package_altered_after_signing_is_invalid():
    signed = sealed(edxml.build_document(a_document(), files()))
    forged = signed.replace("cấp giấy phép".encode(), "thu hồi giấy phép".encode())
    assert forged != signed
    package = edxml.parse(forged)
    assert (package.signature.verdict, package.signature.code) == ("invalid", "altered")
    assert package.signature.reason.startswith("Tài liệu đã bị thay đổi sau khi ký")
    assert edxml.check_acceptable(package).code == "altered"


def test_an_attachment_swapped_after_signing_is_invalid():
    signed = sealed(edxml.build_document(a_document(), files()))
    forged = signed.replace(base64.b64encode(PDF), base64.b64encode(PDF[::-1]))
    assert forged != signed
    assert edxml.parse(forged).signature.code == "altered"


def test_a_package_sealed_by_an_untrusted_ca_is_invalid():
    package = edxml.parse(sealed(edxml.build_document(a_document()), seal_of(_pkis()[1])))
    assert (package.signature.verdict, package.signature.code) == ("invalid",
                                                                   "unknown_signer")
    assert package.signature.reason.startswith("Không xác định được người ký")
    assert edxml.check_acceptable(package).code == "unknown_signer"


def test_a_corrupted_signature_value_is_invalid():
    signed = sealed(edxml.build_document(a_document())).decode()
    value = re.search(r"<SignatureValue>([^<]+)</SignatureValue>", signed).group(1)
    forged = signed.replace(value, value[:10] + ("A" if value[10] != "A" else "B")
                            + value[11:]).encode()
    package = edxml.parse(forged)
    assert (package.signature.verdict, package.signature.code) == ("invalid", "invalid")


@pytest.mark.parametrize("signature", [
    b'<Signature xmlns="http://www.w3.org/2000/09/xmldsig#" Id="placeholder"/>',
    b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/>'
    b"<ds:SignatureValue></ds:SignatureValue></ds:Signature>",
    b'<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo/>'
    b"<ds:SignatureValue>chu-ky-gia</ds:SignatureValue><ds:KeyInfo><ds:X509Data>"
    b"<ds:X509Certificate>Q0hVIEtZ</ds:X509Certificate></ds:X509Data></ds:KeyInfo>"
    b"</ds:Signature>",
], ids=["empty", "empty-value", "garbage"])
def test_a_placeholder_signature_is_invalid_and_said_so(signature):
    data = edxml.build_document(a_document()).replace(
        b"<edXML:TraceHeaderList/>", b"<edXML:TraceHeaderList/>" + signature)
    package = edxml.parse(data)
    assert (package.signature.verdict, package.signature.code) == ("invalid", "placeholder")
    assert "chỗ giữ chỗ" in package.signature.reason
    assert edxml.check_acceptable(package).code == "placeholder"


def test_a_real_signature_with_a_garbage_certificate_is_invalid_not_a_crash():
    """signing.xml.validate itself, for callers that skip the placeholder check."""
    signed = sealed(edxml.build_document(a_document())).decode()
    forged = re.sub(r"<X509Certificate>[^<]+</X509Certificate>",
                    "<X509Certificate>Q0hVIEtZ</X509Certificate>", signed).encode()
    assert xml.validate(forged).code == verdicts.INVALID
    assert edxml.parse(forged).signature.code == "placeholder"


def test_a_refusal_becomes_a_status_02_for_the_sender(pki):
    package = edxml.parse(edxml.build_document(a_document()))
    refusal = edxml.check_acceptable(package)
    status = edxml.refusal_status(package, refusal, reporter=RECEIVER,
                                  when=datetime(2026, 12, 6, 8, 0, tzinfo=HANOI))
    answer = edxml.parse(sealed(edxml.build_status(status), seal_of(pki, RECEIVER.organ_id)))
    assert answer.status.status_code == "02"
    assert answer.status.description == refusal.reason
    assert answer.status.response_for.document_id == package.document.key_id
    assert answer.status.response_for.organ_id == SENDER.organ_id
    assert answer.signature.verdict == "valid"
    assert edxml.status_for(package, codes.ARRIVED, reporter=RECEIVER).description == "Đã đến"


# --- tolerance ----------------------------------------------------------------------------

def _move_after(name: str, anchor: str):
    def change(root):
        node = root.find(f".//{q(name)}")
        node.getparent().remove(node)
        root.find(f".//{q(anchor)}").addnext(node)
    return change


@pytest.mark.parametrize("change", [
    _move_after("DocumentId", "Code"),
    _move_after("ToPlaces", "OtherInfo"),
    _move_after("From", "Subject"),
], ids=["DocumentId-after-Code", "ToPlaces-after-OtherInfo", "From-after-Subject"])
def test_element_order_does_not_matter(change):
    data = edit(edxml.build_document(a_document(), files()), change)
    package = edxml.parse(sealed(data))
    assert package.signature.verdict == "valid"
    assert package.document == edxml.parse(edxml.build_document(a_document(), files()),
                                           check_signature=False).document


def test_an_inclusive_c14n_signature_and_one_at_the_root_are_valid():
    """Other producers sign with inclusive canonicalisation, some at the root's end."""
    signer = XMLSigner(method=SignatureConstructionMethod.enveloped,
                       signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.CANONICAL_XML_1_0)
    seal = seal_of(_pkis()[0])
    root = etree.fromstring(edxml.build_document(a_document(), files()))
    signed = etree.tostring(signer.sign(root, key=xml._PortKey(seal),
                                        cert=seal.certificate_chain()))
    assert b"REC-xml-c14n-20010315" in signed
    package = edxml.parse(signed)
    assert package.signature.verdict == "valid", package.signature.reason
    assert inclusive_signed_at_root(signed)


def inclusive_signed_at_root(signed: bytes) -> bool:
    return etree.fromstring(signed)[-1].tag == f"{{{DS}}}Signature"


def test_whitespace_and_a_missing_document_id_are_tolerated():
    def pretty(root):
        node = root.find(f".//{q('DocumentId')}")
        node.getparent().remove(node)
        etree.indent(root)

    data = edit(edxml.build_document(a_document(), files()), pretty)
    package = edxml.parse(data, check_signature=False)
    assert package.document.document_id == ""
    assert package.key == "H44.03|H44.03,2026/12/05,123/QĐ-UBND"  # derived the same way
    assert package.attachments[0].data == PDF


# --- the key for duplicates ---------------------------------------------------------------

def test_the_same_document_twice_has_the_same_key_and_another_does_not():
    first = edxml.parse(sealed(edxml.build_document(a_document(), files())))
    again = edxml.parse(sealed(edxml.build_document(a_document(subject="Gửi lại"))))
    assert first.key == again.key == "H44.03|H44.03,2026/12/05,123/QĐ-UBND"
    other = edxml.parse(edxml.build_document(a_document(code=edxml.Code("124", "QĐ-UBND"))))
    assert other.key != first.key
    from_elsewhere = edxml.parse(edxml.build_document(a_document(
        sender=RECEIVER, receivers=(SENDER,))))
    assert from_elsewhere.key != first.key
    statuses = {edxml.parse(edxml.build_status(a_status(code))).key
                for code in (codes.ARRIVED, codes.REGISTERED, codes.REGISTERED)}
    assert len(statuses) == 2


def test_a_valid_seal_of_another_agency_is_refused_by_the_policy(pki):
    """The Sở Tư pháp's seal on a package that says it comes from the Sở Xây dựng."""
    claimed = a_document(sender=RECEIVER, receivers=(OTHER_RECEIVER,))
    package = edxml.parse(sealed(edxml.build_document(claimed), seal_of(pki, SENDER.organ_id)))
    assert package.signature.verdict == "valid"  # the signature itself is sound
    assert package.signature.signer_id == SENDER.organ_id
    refusal = edxml.check_acceptable(package)
    assert refusal.code == "sender_mismatch"
    assert "“H44.07”" in refusal.reason and "“H44.03”" in refusal.reason
    own = edxml.parse(sealed(edxml.build_document(claimed), seal_of(pki, RECEIVER.organ_id)))
    assert edxml.check_acceptable(own) is None
