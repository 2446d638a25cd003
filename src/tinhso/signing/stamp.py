"""The QR code and short code put on a PDF before it is signed.

The stamp goes on the last page, bottom left, above the signature boxes (signing.pdf draws
those along the bottom), as an incremental update: the file's own content is untouched, and
the signatures that follow cover the stamp. The QR code carries the public verification
address; a link annotation over it carries the same address, so a reader on screen can
click it and a program can read it without decoding an image.
"""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.stamp import QRStamp, QRStampStyle

from tinhso.core.errors import ValidationFailed

from . import pdf

WIDTH, HEIGHT = 300, 70
QR_SIZE = 60
TEXT = ("Mã tra cứu: %(code)s\n"
        "Quét mã QR hoặc vào địa chỉ dưới đây\n"
        "để kiểm tra chữ ký số của văn bản:\n"
        "%(url)s")


def _style() -> QRStampStyle:
    return QRStampStyle(stamp_text=TEXT, border_width=0, innsep=2, qr_inner_size=QR_SIZE,
                        text_box_style=TextBoxStyle(font=pdf._font(), font_size=7, leading=9))


def add_qr(data: bytes, url: str, code: str) -> bytes:
    """The PDF with the verification QR code and short code on its last page."""
    try:
        writer = IncrementalPdfFileWriter(BytesIO(data), strict=False)
        pages = int(writer.root["/Pages"]["/Count"])
    except (PdfError, ValueError, KeyError, TypeError) as exc:
        raise ValidationFailed(f"Tệp không phải PDF đọc được: {exc}", code="not_pdf") from None
    if pages < 1:
        raise ValidationFailed("Tệp PDF không có trang nào.", code="not_pdf")
    if writer.prev.embedded_signatures:
        # A stamp after a signature would be a change to a signed file (the verdict:
        # "altered"): a file someone already signed is verified as it is, not stamped.
        raise ValidationFailed("Tệp đã có chữ ký số: không thể thêm mã QR.", code="already_signed")
    stamp = QRStamp(writer, url, _style(), text_params={"code": code},
                    box=layout.BoxConstraints(width=WIDTH, height=HEIGHT))
    stamp.apply(pages - 1, pdf.MARGIN, pdf.MARGIN + pdf.BOX_HEIGHT + pdf.GAP)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
