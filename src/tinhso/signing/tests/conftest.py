"""A demo PKI made once for the session under a temporary folder, the settings pointed at it,
and the independent checkers (poppler's pdfsig, xmlsec1): under CI they must be installed
(`.ci/run` installs them), elsewhere a test that needs a missing one is skipped, saying why."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from fpdf import FPDF

from tinhso.signing.keys import Pkcs12Signer
from tinhso.signing.pki import DemoPki

PASSWORD = "mat-khau-thu"
PERSON = ("lanhdao.sotuphap", "Nguyễn Văn An", "Giám đốc", "Sở Tư pháp tỉnh Phú Thọ")
AGENCY = ("H44.03", "Sở Tư pháp tỉnh Phú Thọ")
TEXT = "QUYET DINH ve viec cap giay phep xay dung so 123/QD-UBND"


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> DemoPki:
    pki = DemoPki(tmp_path_factory.mktemp("pki"))
    pki.issue_person(*PERSON, PASSWORD)
    pki.issue_seal(*AGENCY, PASSWORD)
    return pki


@pytest.fixture(scope="session")
def other_pki(tmp_path_factory) -> DemoPki:
    """A CA nobody configured: what it issues is an unknown signer."""
    pki = DemoPki(tmp_path_factory.mktemp("other-pki"), root_name="Mot CA la",
                  ca_name="Mot CA la cap duoi", organisation="Khong ai biet")
    pki.issue_person("ke.mao.danh", "Nguyễn Văn An", "Giám đốc", "Sở Tư pháp tỉnh Phú Thọ",
                     PASSWORD)
    return pki


@pytest.fixture(autouse=True)
def signing_settings(settings, pki):
    settings.TINHSO_SIGNING_PKI_DIR = pki.folder
    settings.TINHSO_SIGNING_TRUST_ROOTS = [str(pki.trust_root_path)]
    settings.TINHSO_SIGNING_CRLS = [str(p) for p in pki.crl_paths]
    settings.TINHSO_SIGNING_PKCS12_PASSWORD = PASSWORD
    settings.TINHSO_SIGNING_TSA_URL = ""
    return settings


@pytest.fixture
def person(pki) -> Pkcs12Signer:
    return Pkcs12Signer(pki.folder / "people" / f"{PERSON[0]}.p12", PASSWORD)


@pytest.fixture
def seal(pki) -> Pkcs12Signer:
    return Pkcs12Signer(pki.folder / "seals" / f"{AGENCY[0]}.p12", PASSWORD)


def make_pdf(pages: int = 2) -> bytes:
    """A plain document; its text stays uncompressed so a test can alter a word of it."""
    doc = FPDF(format="A4")
    doc.set_compression(False)
    doc.set_font("helvetica", size=12)
    for number in range(1, pages + 1):
        doc.add_page()
        doc.multi_cell(0, 8, f"{TEXT}. Trang {number}. " * 12)
    return bytes(doc.output())


def checker(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    message = f"Không có {name} (apt-get install poppler-utils xmlsec1 libnss3-tools)."
    if os.environ.get("CI"):
        pytest.fail("CI: " + message)
    pytest.skip(message)


@pytest.fixture
def pdfsig():
    """pdfsig run on a file, with an NSS database that trusts the given root (certutil) and
    knows the given CRLs (crlutil)."""
    binary = checker("pdfsig")
    certutil = checker("certutil")
    crlutil = checker("crlutil")

    def run(pdf: bytes, folder: Path, trust: Path | None = None, crls=()) -> str:
        path = folder / "signed.pdf"
        path.write_bytes(pdf)
        nss = folder / "nss"
        if not nss.exists():
            nss.mkdir()
            subprocess.run([certutil, "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
            if trust:
                subprocess.run([certutil, "-A", "-d", f"sql:{nss}", "-n", "root", "-t", "C,C,C",
                                "-i", str(trust)], check=True)
            for crl in crls:
                subprocess.run([crlutil, "-I", "-d", f"sql:{nss}", "-B", "-i", str(crl)],
                               check=True)
        result = subprocess.run([binary, "-nssdir", f"sql:{nss}", str(path)],
                                capture_output=True, text=True, timeout=60)
        return result.stdout + result.stderr

    return run
