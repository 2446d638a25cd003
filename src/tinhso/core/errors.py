"""Domain errors: a machine code, a Vietnamese message and the HTTP status the API answers."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("Yêu cầu không hợp lệ.")

    def __init__(self, message=None, *, code: str | None = None, details=None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details
        super().__init__(str(self.message))

    def as_dict(self) -> dict:
        body = {"code": self.code, "message": str(self.message)}
        if self.details is not None:
            body["details"] = self.details
        return body


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"
    default_message = _("Bạn không có quyền thực hiện thao tác này.")


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Không tìm thấy.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("Dữ liệu đã bị thay đổi bởi người khác, vui lòng tải lại.")
