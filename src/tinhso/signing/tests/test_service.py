"""The demo PKI made by `tinhso make_demo_pki` for the demo province's leaders and agencies,
and the service signing with it as an official would."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tinhso.core.demo import load_demo_province
from tinhso.core.errors import PermissionDenied
from tinhso.core.models import AuditEntry, User
from tinhso.core.units import load_units
from tinhso.signing import pdf, services, verdicts, xml
from tinhso.signing.keys import Pkcs12Signer

from .conftest import make_pdf
from .test_xml import ENVELOPE

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_pki(tmp_path, settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.delenv("TINHSO_DEMO_PASSWORD", raising=False)
    load_units(["25"])
    load_demo_province()
    folder = tmp_path / "pki"
    settings.TINHSO_SIGNING_PKI_DIR = folder
    settings.TINHSO_SIGNING_TRUST_ROOTS = [str(folder / "root.pem")]
    settings.TINHSO_SIGNING_CRLS = [str(folder / "root.crl"), str(folder / "ca.crl")]
    out = StringIO()
    call_command("make_demo_pki", stdout=out)
    return folder, out.getvalue()


def test_every_demo_leader_and_agency_gets_a_key(demo_pki, settings):
    folder, output = demo_pki
    leaders = User.objects.filter(roles__role="agency_leader").select_related("agency")
    assert leaders.count() == 4
    for leader in leaders:
        signer = Pkcs12Signer(folder / "people" / f"{leader.username}.p12",
                              settings.TINHSO_SIGNING_PKCS12_PASSWORD)
        cert, issuer = signer.certificate_chain()
        assert cert.subject.rfc4514_string().startswith(f"CN={leader.full_name}")
        assert cert.issuer == issuer.subject
        assert (folder / "seals" / f"{leader.agency.code}.p12").exists()
    assert "4 người ký, 4 con dấu" in output
    # A second run makes nothing new and leaves every file as it was.
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    out = StringIO()
    call_command("make_demo_pki", stdout=out)
    assert "tạo mới: không có gì mới" in out.getvalue()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_a_leader_signs_and_seals_a_result(demo_pki):
    leader = User.objects.filter(roles__role="agency_leader").select_related("agency").first()
    signed = services.seal_pdf(leader, services.sign_pdf(leader, make_pdf()))
    result = services.validate_pdf(signed)
    assert result.code == verdicts.VALID, result.message
    assert [s.signer_name for s in result.signatures] == [leader.full_name, leader.agency.name]
    assert result.organisation == leader.agency.name
    actions = list(AuditEntry.objects.filter(action__startswith="signing.")
                   .values_list("action", flat=True).order_by("id"))
    assert actions == ["signing.pdf_signed", "signing.pdf_sealed"]


def test_revoking_a_leader_through_the_command(demo_pki):
    leader = User.objects.filter(roles__role="agency_leader").first()
    signed = services.sign_pdf(leader, make_pdf())
    call_command("make_demo_pki", revoke=[f"person:{leader.username}"], stdout=StringIO())
    assert services.validate_pdf(signed).code == verdicts.REVOKED


def test_only_an_agency_official_signs(demo_pki):
    citizen = User.objects.create(username="congdan.ky", full_name="Công Dân")
    with pytest.raises(PermissionDenied):
        services.sign_pdf(citizen, make_pdf())
    with pytest.raises(PermissionDenied):
        services.sign_xml(citizen, b"<a/>")


def test_verify_signature_prints_the_verdict_and_exits_by_it(tmp_path, person, seal):
    """`tinhso verify_signature` (no database needed) on a signed, a forged and an XML file."""
    signed = pdf.sign(pdf.sign(make_pdf(), person, pdf.Appearance("A")), seal,
                      pdf.Appearance("B", seal=True))
    path = tmp_path / "ketqua.pdf"
    path.write_bytes(signed)
    out = StringIO()
    call_command("verify_signature", str(path), stdout=out)
    report = json.loads(out.getvalue())
    assert report["code"] == "valid" and len(report["signatures"]) == 2
    assert report["signer_name"] == "Nguyễn Văn An"
    path.write_bytes(signed.replace(b"123/QD", b"124/QD", 1))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_signature", str(path), stdout=out)
    assert exit_.value.code == 1
    assert json.loads(out.getvalue())["code"] == "altered"
    xml_path = tmp_path / "goi.xml"
    xml_path.write_bytes(xml.sign(ENVELOPE, person))
    out = StringIO()
    call_command("verify_signature", str(xml_path), stdout=out)
    assert json.loads(out.getvalue())["code"] == "valid"
