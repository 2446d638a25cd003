"""Requests Django refuses before a view can answer: a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
too many fields or files, an unreadable multipart body, a suspicious file name, a bad Host.
The API answers them in its JSON shape ({"code", "message"}), the pages in plain words with
the site's frame: never Django's bare "Bad Request" page. Installed as urls.handler400."""

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

API_PREFIX = "/api/"


def too_large_message():
    mb = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}".replace(".", ",")
    return _("Dữ liệu gửi lên quá lớn (tối đa %(mb)s MB, chưa kể tệp đính kèm). Vui lòng rút "
             "gọn nội dung.") % {"mb": mb.removesuffix(",0")}


def _explain(exception) -> tuple[int, str, str]:
    if isinstance(exception, RequestDataTooBig):
        return 413, "request_too_large", too_large_message()
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        return 400, "too_many_fields", str(_("Yêu cầu có quá nhiều trường hoặc tệp."))
    return 400, "bad_request", str(_("Yêu cầu không hợp lệ, không đọc được dữ liệu gửi lên."))


def bad_request(request, exception=None):
    status, code, message = _explain(exception)
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"code": code, "message": message}, status=status)
    if isinstance(exception, DisallowedHost):  # the page's links would need that host
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    return render(request, "core/bad_request.html", {"message": message}, status=status)
