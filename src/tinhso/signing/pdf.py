"""PAdES signatures on PDFs with pyHanko: signing through the Signer port, and offline
validation against the configured trust.

A signature is PAdES baseline (ETSI.CAdES.detached, SHA-256), with the signer's chain and
the CRLs that cover it embedded in the document security store (long-term validation data),
a time-stamp from the configured TSA when there is one, and a visible appearance in
Vietnamese. Each further signature (the agency's seal after the leader's) is an incremental
update, so the first signature still covers exactly what was signed.
"""

from __future__ import annotations

import binascii
import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from asn1crypto import algos
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError as HankoSigningError
from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from tinhso.core.fonts import UNICODES, noto_sans

from . import awaiting, verdicts
from .appended_signature import AppendedSignaturePolicy
from .ports import Signer, SigningError
from .trust import Trust, asn1_cert, configured_trust

log = logging.getLogger(__name__)
# fontTools logs a line per font table at each signature's subsetting; pyHanko warns at each
# signature that it may not fetch revocation data, which is the point (it is given the CRLs).
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)
logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(
    lambda record: "fetching is not allowed" not in record.getMessage())
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
_HEX_DIGITS = b"0123456789abcdefABCDEF"
_PDF_WHITESPACE = b" \n\r\t\f\x00"
_pyhanko_read_hex = generic.read_hex_string_from_stream


def _read_hex_string(stream):
    """pyHanko's hex string reader, without reading one byte per call in the plain case.

    A signature's /Contents is a hex string of a few thousand digits, read at every
    validation; pyHanko tokenises it byte by byte, about half the time of validating a
    once-signed PDF. Here the string up to its ">" is taken in one read when it holds only hex
    digits and whitespace; anything else (a comment, a bad character, no end) is left to
    pyHanko's own reader, from the same place, so behaviour and errors stay pyHanko's."""
    start = stream.tell()
    chunks = []
    while True:
        chunk = stream.read(16384)
        end = chunk.find(b">")
        if end >= 0 or not chunk:
            break
        chunks.append(chunk)
    if end >= 0:
        chunks.append(chunk[:end])
        stream.seek(end + 1 - len(chunk), os.SEEK_CUR)
        digits = b"".join(chunks)[1:].translate(None, _PDF_WHITESPACE)  # [1:]: the "<"
        if not digits.translate(None, _HEX_DIGITS):
            if len(digits) % 2:
                digits += b"0"
            return generic.pdf_string(binascii.unhexlify(digits))
    stream.seek(start)
    return _pyhanko_read_hex(stream)


generic.read_hex_string_from_stream = _read_hex_string

# Signature boxes on the last page, bottom right (points; A4 is 595 x 842): the person's,
# then the seal's to its left, as Decree 30 places the seal beside the signature.
BOX_WIDTH, BOX_HEIGHT, MARGIN, GAP = 240, 72, 36, 12


class _PortSigner(signers.Signer):
    """pyHanko's signer, backed by our port: pyHanko builds the CMS, the port signs its hash."""

    def __init__(self, port: Signer):
        chain = [asn1_cert(c) for c in port.certificate_chain()]
        super().__init__(
            signing_cert=chain[0],
            cert_registry=SimpleCertificateStore.from_certs(chain),
            signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "rsassa_pkcs1v15"}),
        )
        self.port = port
        key = port.certificate_chain()[0].public_key()
        if not isinstance(key, rsa.RSAPublicKey):
            raise SigningError("Chỉ hỗ trợ khóa RSA.")
        self._size = (key.key_size + 7) // 8

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        if dry_run:  # pyHanko sizes the placeholder: no need to ask a remote signer
            return bytes(self._size)
        return self.port.sign_digest(hashlib.new(digest_algorithm, data).digest(),
                                     digest_algorithm)


@dataclass(frozen=True)
class Appearance:
    """What the visible signature says: for a person, the name and position; for a seal,
    the agency; both with the organisation and the time of signing."""

    name: str
    position: str = ""
    organisation: str = ""
    seal: bool = False


def _stamp_text(appearance: Appearance, when: datetime) -> str:
    lines = ([f"Cơ quan: {appearance.name}"] if appearance.seal
             else [f"Người ký: {appearance.name}"])
    if appearance.position and not appearance.seal:
        lines.append(f"Chức vụ: {appearance.position}")
    if appearance.organisation and appearance.organisation != appearance.name:
        lines.append(f"Cơ quan: {appearance.organisation}")
    lines.append(f"Thời gian ký: {when.astimezone(HANOI):%H:%M:%S %d/%m/%Y}")
    return "\n".join(lines)


_font_factories: dict[str, GlyphAccumulatorFactory] = {}


def _plain_font() -> Path:
    """Noto Sans (regular) without layout tables or hinting, for the appearances.

    pyHanko subsets the font at every signature, and decoding Noto's GPOS/GSUB tables was half
    of a signature's time. Vietnamese needs neither: every letter with its marks is a
    precomposed glyph, which text in NFC uses. Built once beside the Noto instances."""
    source = noto_sans()[""]
    path = source.with_name(source.stem + "-plain.ttf")
    if path.exists():
        return path
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF"]
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".ttf")
    os.close(fd)
    try:
        font.save(tmp)
        os.replace(tmp, path)  # a concurrent reader never sees half a file
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _font() -> GlyphAccumulatorFactory:
    path = str(_plain_font())
    if path not in _font_factories:
        _font_factories[path] = GlyphAccumulatorFactory(path, font_size=1)
    return _font_factories[path]


def _box(reader: PdfFileReader, slot: int) -> tuple[int, int, int, int]:
    page = reader.root["/Pages"]
    last = page
    while "/Kids" in last:  # the last page's size, for its bottom-right corner
        last = last["/Kids"][-1].get_object()
    media = [float(x) for x in last.get("/MediaBox", [0, 0, 595, 842])]
    right = int(media[2]) - MARGIN - slot * (BOX_WIDTH + GAP)
    return (right - BOX_WIDTH, int(media[1]) + MARGIN, right,
            int(media[1]) + MARGIN + BOX_HEIGHT)


def _validation_context(trust: Trust, reader: PdfFileReader | None = None) -> ValidationContext:
    """Offline: the configured roots and CRLs, plus the certificates and CRLs the document
    carries in its security store (which are evidence, never trust anchors)."""
    options = {"trust_roots": list(trust.roots), "crls": list(trust.crls),
               "allow_fetching": False,
               "revocation_mode": settings.TINHSO_SIGNING_REVOCATION_MODE}
    if reader is not None and "/DSS" in reader.root:
        return DocumentSecurityStore.read_dss(reader).as_validation_context(options)
    return ValidationContext(**options)


def sign(pdf: bytes, signer: Signer, appearance: Appearance, *,
         tsa_url: str | None = None, trust: Trust | None = None,
         when: datetime | None = None) -> bytes:
    """The PDF with one more PAdES signature, as an incremental update."""
    trust = trust or configured_trust()
    tsa_url = settings.TINHSO_SIGNING_TSA_URL if tsa_url is None else tsa_url
    when = when or datetime.now(HANOI)
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    except (PdfError, ValueError) as exc:
        raise SigningError(f"Tệp không phải PDF đọc được: {exc}") from None
    existing = len(writer.prev.embedded_signatures)
    field_name = f"ChuKy{existing + 1}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=True, validation_context=_validation_context(trust),
        # The validation data goes in the signature's own revision (PAdES B-LT in one
        # revision): the signature then covers the whole file, and a validator has no later
        # revision to analyse unless something was really added after signing.
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE,
            include_vri=False),
        # RSA PKCS#1 v1.5 signatures have a fixed size, so without a time-stamp (whose size
        # varies) the /Contents placeholder needs no margin; every validation reads it.
        tight_size_estimates=not tsa_url,
        name=appearance.name, location=appearance.organisation or None,
        reason="Đóng dấu của cơ quan" if appearance.seal else "Ký duyệt văn bản",
    )
    style = TextStampStyle(
        stamp_text=_stamp_text(appearance, when),
        text_box_style=TextBoxStyle(font=_font(), font_size=8, leading=10),
        border_width=1,
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=_PortSigner(signer), stamp_style=style,
        timestamper=HTTPTimeStamper(tsa_url, timeout=10) if tsa_url else None,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=-1,
                                           box=_box(writer.prev, existing)),
    )
    out = BytesIO()
    try:
        awaiting.run(pdf_signer.async_sign_pdf(writer, output=out))
    except HankoSigningError as exc:
        # pyHanko refuses to sign with a certificate it cannot validate (untrusted, revoked,
        # expired): the signature would be worthless.
        raise SigningError(f"Không ký được: chứng thư số của người ký không hợp lệ ({exc}).",
                           code="certificate_not_valid") from None
    return out.getvalue()


def _subject(status) -> tuple[str, str]:
    subject = status.signing_cert.subject.native
    return subject.get("common_name", ""), subject.get("organization_name", "")


_DIFF_POLICY = AppendedSignaturePolicy()


def _judge(embedded, context: ValidationContext) -> verdicts.Verdict:
    try:
        status = awaiting.run(async_validate_pdf_signature(embedded, context,
                                                           diff_policy=_DIFF_POLICY))
    except Exception as exc:  # a CMS pyHanko cannot even parse is not a signature we made
        log.info("unreadable PDF signature: %s", exc)
        return verdicts.verdict(verdicts.INVALID, "Không đọc được dữ liệu chữ ký.")
    name, organisation = _subject(status)
    when = status.timestamp_validity.timestamp if status.timestamp_validity else (
        status.signer_reported_dt)
    info = {"signer_name": name, "organisation": organisation, "signing_time": when}
    if not status.intact:
        return verdicts.verdict(verdicts.ALTERED, **info)
    if not status.valid:
        return verdicts.verdict(verdicts.INVALID, **info)
    level = status.modification_level
    if (status.coverage < SignatureCoverageLevel.ENTIRE_REVISION
            or status.docmdp_ok is False
            or (level is not None and level > ModificationLevel.FORM_FILLING)):
        return verdicts.verdict(verdicts.ALTERED, "Có nội dung được thêm sau khi ký.", **info)
    stamp = status.timestamp_validity
    if stamp is not None and not (stamp.intact and stamp.valid):
        return verdicts.verdict(verdicts.INVALID, "Dấu thời gian kèm chữ ký không hợp lệ.", **info)
    if stamp is not None and not stamp.trusted:
        return verdicts.verdict(verdicts.UNKNOWN_SIGNER, "Dấu thời gian do nơi không được tin "
                                "cậy cấp.", **info)
    if status.revoked:
        return verdicts.verdict(verdicts.REVOKED, **info)
    if not status.trusted:
        return verdicts.verdict(verdicts.UNKNOWN_SIGNER, **info)
    return verdicts.verdict(verdicts.VALID, **info)


def validate(pdf: bytes, *, trust: Trust | None = None) -> verdicts.Verdict:
    """Every signature of the PDF judged offline; the document's verdict is the worst."""
    trust = trust or configured_trust()
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:
        return verdicts.verdict(verdicts.INVALID, "Tệp không phải PDF đọc được.")
    if not embedded:
        return verdicts.verdict(verdicts.ABSENT)
    try:
        context = _validation_context(trust, reader)
    except Exception as exc:  # a damaged security store: judge without what it would add
        log.info("unreadable DSS: %s", exc)
        context = _validation_context(trust)
    return verdicts.overall([_judge(sig, context) for sig in embedded])
