"""The demo documents: made through the services for the demo agencies, signed for real."""

import pytest
from django.core.management import call_command

from tinhso.documents.models import Document, Status
from tinhso.signing.services import validate_pdf

pytestmark = pytest.mark.django_db


def test_demo_documents_cover_every_state_and_are_not_made_twice(settings, tmp_path):
    settings.TINHSO_SIGNING_PKI_DIR = tmp_path / "pki"
    call_command("load_demo_province", verbosity=0)
    call_command("make_demo_pki", verbosity=0)
    settings.TINHSO_SIGNING_TRUST_ROOTS = [str(tmp_path / "pki" / "root.pem")]
    settings.TINHSO_SIGNING_CRLS = [str(tmp_path / "pki" / n) for n in ("root.crl", "ca.crl")]
    call_command("load_demo_documents", verbosity=0)
    total = Document.objects.count()
    assert total >= 30
    statuses = set(Document.objects.values_list("status", flat=True))
    assert {Status.DRAFT, Status.IN_REVIEW, Status.APPROVED, Status.SIGNED, Status.SEALED,
            Status.ISSUED, Status.ARRIVED, Status.REGISTERED, Status.ASSIGNED,
            Status.COMPLETED} <= statuses
    issued = Document.objects.filter(status=Status.ISSUED).first()
    verdict = validate_pdf(issued.main_file.file.read())
    assert verdict.is_valid and len(verdict.signatures) == 2
    assert Document.objects.filter(direction="in", source_key__isnull=False).count() == 3
    call_command("load_demo_documents", verbosity=0)
    assert Document.objects.count() == total
