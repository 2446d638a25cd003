"""Papers and results officials upload: PDF or an image, checked by content, bounded in size."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 20 * 1024 * 1024
# extension -> the first bytes a real file of that kind starts with
SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def validate_paper(upload) -> None:
    """A scanned paper or result file: PDF, JPEG or PNG whose content matches its name."""
    if upload is None:
        return
    ext = extension(upload.name)
    if ext not in SIGNATURES:
        raise ValidationError(_("Chỉ nhận tệp PDF, JPG hoặc PNG (tệp “%(name)s” không hợp lệ).")
                              % {"name": upload.name}, code="file_type")
    if upload.size > MAX_BYTES:
        raise ValidationError(_("Tệp “%(name)s” vượt quá %(mb)s MB.")
                              % {"name": upload.name, "mb": MAX_BYTES // (1024 * 1024)},
                              code="file_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError(_("Nội dung tệp “%(name)s” không đúng định dạng %(ext)s.")
                              % {"name": upload.name, "ext": ext.upper()}, code="file_content")


def kind_of(name: str) -> str:
    """How a stored file is previewed: "image", "pdf" or "other"."""
    ext = extension(name)
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return "pdf" if ext == "pdf" else "other"
