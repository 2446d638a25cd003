"""Maps domain errors and DRF's own errors to one JSON shape: {"code", "message", "details"}."""

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError

_DRF_MESSAGES = {
    exceptions.NotAuthenticated: _("Bạn cần đăng nhập."),
    exceptions.AuthenticationFailed: _("Thông tin đăng nhập không đúng."),
    exceptions.PermissionDenied: _("Bạn không có quyền thực hiện thao tác này."),
    exceptions.NotFound: _("Không tìm thấy."),
    exceptions.MethodNotAllowed: _("Phương thức không được hỗ trợ."),
    exceptions.Throttled: _("Quá nhiều yêu cầu, vui lòng thử lại sau."),
    exceptions.ValidationError: _("Dữ liệu gửi lên không hợp lệ."),
    exceptions.ParseError: _("Không đọc được dữ liệu gửi lên."),
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    message = next(
        (str(msg) for cls, msg in _DRF_MESSAGES.items() if isinstance(exc, cls)),
        str(getattr(exc, "detail", "")),
    )
    body = {"code": getattr(exc, "default_code", "error"), "message": message}
    if isinstance(exc, exceptions.ValidationError):
        body["details"] = response.data
    response.data = body
    return response
