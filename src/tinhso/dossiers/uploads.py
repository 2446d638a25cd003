"""Papers and result files, whoever uploads them: PDF, JPEG or PNG, checked by content,
bounded by the TINHSO_UPLOAD_MAX_MB setting."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# extension -> the first bytes a real file of that kind starts with
SIGNATURES = {
    "pdf": b"%PDF-",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def max_bytes() -> int:
    return int(settings.TINHSO_UPLOAD_MAX_MB * 1024 * 1024)


def max_mb_label() -> str:
    return f"{settings.TINHSO_UPLOAD_MAX_MB:g}"


def validate_paper(upload) -> None:
    """Refuse, in words the uploader can act on, a file of the wrong kind or size."""
    if upload is None:
        return
    ext = extension(upload.name)
    if ext not in SIGNATURES:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng. Chỉ nhận tệp PDF, JPG hoặc PNG.")
            % {"name": upload.name}, code="file_type")
    if upload.size > max_bytes():
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (tối đa %(mb)s MB). Vui lòng chọn tệp nhỏ hơn.")
            % {"name": upload.name, "mb": max_mb_label()}, code="file_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError(
            _("Nội dung tệp “%(name)s” không phải là tệp %(ext)s hợp lệ.")
            % {"name": upload.name, "ext": ext.upper()}, code="file_content")


def kind_of(name: str) -> str:
    """How a stored file is previewed: "image", "pdf" or "other"."""
    ext = extension(name)
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return "pdf" if ext == "pdf" else "other"
