"""Files of documents: stored once and never rewritten, their text read for search, and a
draft PDF laid out from typed content when the drafter uploads none."""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import ValidationFailed
from tinhso.core.text import fold

from .models import Document, DocumentFile

log = logging.getLogger(__name__)

MAX_BYTES = 30 * 1024 * 1024  # one file
TEXT_MAX = 200_000  # folded characters kept for search per file
ALLOWED = {".pdf": "pdf", ".txt": "text", ".doc": "other", ".docx": "other", ".odt": "other",
           ".xls": "other", ".xlsx": "other", ".jpg": "other", ".jpeg": "other", ".png": "other"}


def read_upload(upload) -> tuple[str, bytes]:
    """(name, bytes) of an uploaded file, refused in words when it cannot be a document."""
    name = PurePath(getattr(upload, "name", "") or "tep").name[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationFailed(_("Tệp “%(name)s” không thuộc loại được nhận (PDF, DOCX, ODT, "
                                 "XLSX, ảnh, TXT).") % {"name": name}, code="file_type")
    if getattr(upload, "size", 0) and upload.size > MAX_BYTES:
        raise ValidationFailed(_("Tệp “%(name)s” lớn quá 30 MB.") % {"name": name},
                               code="file_too_large")
    upload.seek(0)
    data = upload.read()
    if len(data) > MAX_BYTES:
        raise ValidationFailed(_("Tệp “%(name)s” lớn quá 30 MB.") % {"name": name},
                               code="file_too_large")
    if not data:
        raise ValidationFailed(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="file_empty")
    return name, data


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def require_pdf(name: str, data: bytes) -> None:
    if not is_pdf(data):
        raise ValidationFailed(_("Tệp văn bản “%(name)s” không phải tệp PDF: văn bản ký số phải "
                                 "là PDF.") % {"name": name}, code="not_pdf")


def extract_text(name: str, data: bytes) -> str:
    """The file's text, folded for search: a PDF's text layer, a text file's content;
    nothing for other kinds (a scanned page has no text layer either)."""
    kind = ALLOWED.get(PurePath(name).suffix.lower())
    text = ""
    try:
        if kind == "pdf" or is_pdf(data):
            import pypdf

            reader = pypdf.PdfReader(io.BytesIO(data))
            parts, length = [], 0
            for page in reader.pages:
                part = page.extract_text() or ""
                parts.append(part)
                length += len(part)
                if length > TEXT_MAX:
                    break
            text = "\n".join(parts)
        elif kind == "text":
            text = data.decode("utf-8", errors="replace")
    except Exception as exc:  # a damaged file is still stored; only its text is missing
        log.warning("documents: no text from %s: %s", name, exc)
        return ""
    return fold(text)[:TEXT_MAX]


def store(document: Document, kind: str, name: str, data: bytes, *, actor=None,
          version: int = 1, parent: DocumentFile | None = None,
          text: str | None = None) -> DocumentFile:
    """A new immutable file row with its bytes, hash and searchable text."""
    stem = slugify(fold(PurePath(name).stem))[:60] or "van-ban"
    suffix = PurePath(name).suffix.lower()[:8]
    row = DocumentFile(
        document=document, kind=kind, version=version, name=name[:255],
        sha256=hashlib.sha256(data).hexdigest(), size=len(data), parent=parent,
        created_by=actor if getattr(actor, "pk", None) else None, created_at=timezone.now(),
        text=extract_text(name, data) if text is None else text)
    row.file.save(f"{stem}{suffix}", ContentFile(data), save=False)
    row.save()
    return row


def share(source: DocumentFile, document: Document, kind: str) -> DocumentFile:
    """The same stored bytes given to another document (a delivered copy): a file is never
    rewritten, so two rows may name it."""
    return DocumentFile.objects.create(
        document=document, kind=kind, version=source.version, name=source.name,
        file=source.file.name, sha256=source.sha256, size=source.size, parent=source,
        created_at=timezone.now(), text=source.text)


def read(row: DocumentFile) -> bytes:
    """The file's bytes, checked against the hash recorded when it was stored: a signature
    is never put on (nor a file sent as) something that changed on disk."""
    with row.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != row.sha256:
        raise ValidationFailed(_("Tệp “%(name)s” đã bị thay đổi sau khi lưu: không dùng được.")
                               % {"name": row.name}, code="file_altered")
    return data


def render_draft(*, agency_name: str, type_label: str, type_code: str, issuer: str,
                 subject: str, content: str, place: str = "") -> bytes:
    """A one-document PDF in the administrative layout (Nghị định 30/2020): the issuing body
    and the national motto side by side, the number left blank for the clerk, the kind and
    subject, the content. Noto Sans, so Vietnamese prints whole."""
    from fpdf import FPDF

    from tinhso.core.fonts import noto_sans

    fonts = noto_sans()
    pdf = FPDF(format="A4")
    pdf.add_font("Noto", "", str(fonts[""]))
    pdf.add_font("Noto", "B", str(fonts["B"]))
    pdf.set_margins(25, 20, 15)
    pdf.add_page()
    top = pdf.get_y()
    pdf.set_font("Noto", "B", 10)
    pdf.multi_cell(75, 5, agency_name.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "", 10)
    # The number is left blank: it is given at issue (the clerk's register), after signing.
    code = issuer if type_code == "CV" else f"{type_code}-{issuer}"
    pdf.multi_cell(75, 6, f"Số:      /{code}", align="C", new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()
    pdf.set_xy(100, top)
    pdf.set_font("Noto", "B", 10)
    pdf.multi_cell(95, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    today = timezone.localdate()
    pdf.set_x(100)
    pdf.set_font("Noto", "", 10)
    pdf.multi_cell(95, 6, f"{place or '......'}, ngày {today.day:02d} tháng {today.month:02d} "
                          f"năm {today.year}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(left_bottom, pdf.get_y()) + 8)
    if type_code != "CV":
        pdf.set_font("Noto", "B", 13)
        pdf.multi_cell(0, 7, type_label.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Noto", "B", 11)
    pdf.multi_cell(0, 6, subject, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("Noto", "", 11)
    for paragraph in (content or "").splitlines() or [""]:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
