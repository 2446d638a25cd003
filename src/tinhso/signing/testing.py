"""Helpers for tests of apps that sign (dossiers, back office, portal, e2e): a demo PKI for
the given officials and agencies with the settings pointed at it, and a real PDF to sign."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from tinhso.core.fonts import noto_sans

from .pki import DemoPki

PASSWORD = "mat-khau-thu"


def make_pki(folder: Path, officials=(), agencies=()) -> DemoPki:
    """A PKI under `folder` with a key for each official and a seal for each agency (each
    official's own, and those given). Officials are Users with an agency, or plain
    (username, full name, agency code, agency name) tuples, for a PKI made once per module
    before any database exists."""
    pki = DemoPki(folder)
    seals = {a.code: a.name for a in agencies}
    for official in officials:
        if isinstance(official, tuple):
            username, name, code, agency_name = official
        else:
            username, name = official.username, official.full_name or official.username
            code, agency_name = official.agency.code, official.agency.name
        pki.issue_person(username, name, "Giám đốc", agency_name, PASSWORD)
        seals[code] = agency_name
    for code, agency_name in seals.items():
        pki.issue_seal(code, agency_name, PASSWORD)
    return pki


def use_pki(settings, pki: DemoPki) -> None:
    settings.TINHSO_SIGNING_PKI_DIR = pki.folder
    settings.TINHSO_SIGNING_TRUST_ROOTS = [str(pki.trust_root_path)]
    settings.TINHSO_SIGNING_CRLS = [str(p) for p in pki.crl_paths]
    settings.TINHSO_SIGNING_PKCS12_PASSWORD = PASSWORD
    settings.TINHSO_SIGNING_TSA_URL = ""


def result_pdf(title: str = "GIẤY CHỨNG NHẬN", body: str = "Kết quả giải quyết hồ sơ.") -> bytes:
    """A one-page A4 result in Vietnamese (Noto Sans), uncompressed so a test can alter it."""
    doc = FPDF(format="A4")
    doc.set_compression(False)
    doc.add_font("Noto", "", str(noto_sans()[""]))
    doc.add_page()
    doc.set_font("Noto", size=14)
    doc.multi_cell(0, 8, title, align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Noto", size=11)
    doc.multi_cell(0, 6, body, new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())
