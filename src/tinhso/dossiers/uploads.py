"""Papers and result files, whoever uploads them: PDF, JPEG or PNG, checked by content,
bounded by the TINHSO_UPLOAD_MAX_MB setting, stored under a name made safe here."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import fold

# extension -> the first bytes a real file of that kind starts with
SIGNATURES = {
    "pdf": b"%PDF-",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}
ACCEPT = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png"})
# What is kept of a name on disk (Django cuts an upload's name to 255 characters, which in
# UTF-8 Vietnamese is more than the 255 bytes a file system holds).
STORED_ROOT_MAX = 80
SHOWN_MAX = 60  # what is quoted of it in a message


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def max_bytes() -> int:
    return int(settings.TINHSO_UPLOAD_MAX_MB * 1024 * 1024)


def max_mb_label() -> str:
    return f"{settings.TINHSO_UPLOAD_MAX_MB:g}"


def shown(name: str) -> str:
    """The file name as a message quotes it: printable, and not a page long."""
    name = "".join(ch for ch in name if ch.isprintable())
    return name if len(name) <= SHOWN_MAX else f"{name[:SHOWN_MAX - 1]}…"


def stored_name(name: str) -> str:
    """The name a file is stored under, whatever the uploader's was: the name's letters folded
    to ASCII, digits and dashes (no path, no control character, no leading dot, at most
    STORED_ROOT_MAX characters) and its extension. The storage adds a suffix on a clash."""
    root, dot, ext = name.rpartition(".")
    if not dot:
        root, ext = name, ""
    root = slugify(fold(root))[:STORED_ROOT_MAX].strip("-_") or "tep"
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    return f"{root}.{ext}" if ext else root


class Storage(FileSystemStorage):
    """The default storage (settings.STORAGES): every uploaded file, a paper, a result, a
    draft's paper or a form template, is stored under `stored_name`."""

    def get_valid_name(self, name):
        return stored_name(name)


def validate_paper(upload) -> None:
    """Refuse, in words the uploader can act on, a file of the wrong kind or size."""
    if upload is None:
        return
    name = shown(upload.name)
    ext = extension(upload.name)
    if ext not in SIGNATURES:
        raise ValidationError(
            _("Tệp “%(name)s” không đúng định dạng. Chỉ nhận tệp PDF, JPG hoặc PNG.")
            % {"name": name}, code="file_type")
    if upload.size > max_bytes():
        raise ValidationError(
            _("Tệp “%(name)s” quá lớn (tối đa %(mb)s MB). Vui lòng chọn tệp nhỏ hơn.")
            % {"name": name, "mb": max_mb_label()}, code="file_size")
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[ext]):
        raise ValidationError(
            _("Nội dung tệp “%(name)s” không phải là tệp %(ext)s hợp lệ.")
            % {"name": name, "ext": ext.upper()}, code="file_content")


def kind_of(name: str) -> str:
    """How a stored file is previewed: "image", "pdf" or "other"."""
    ext = extension(name)
    if ext in IMAGE_EXTENSIONS:
        return "image"
    return "pdf" if ext == "pdf" else "other"
