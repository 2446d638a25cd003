"""Requests Django refuses before a view can answer: a body over DATA_UPLOAD_MAX_MEMORY_SIZE,
too many fields or files, an unreadable multipart body, a suspicious file name, a bad Host.
The API answers them in its JSON shape ({"code", "message"}); a form posted from one of our
pages goes back to that page with the message above the form; anything else gets a page in
plain words. Never Django's bare "Bad Request" page. Installed as urls.handler400."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import (
    BadRequest,
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import defaults

API_PREFIX = "/api/"


def too_large_message():
    mb = f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024):.1f}".replace(".", ",")
    return _("Dữ liệu gửi lên quá lớn (tối đa %(mb)s MB, chưa kể tệp đính kèm). Vui lòng rút "
             "gọn nội dung.") % {"mb": mb.removesuffix(",0")}


class NulInAddress(BadRequest):
    """A NUL character in the path or the query string: no person types one, and PostgreSQL
    cannot compare text holding one (a lookup by such a code would be a server error)."""


def refuse_nul_in_address(get_response):
    """Middleware: one check, before any view, for every page and API parameter (form fields
    have Django's own validator, API bodies the parsers' check)."""
    def middleware(request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            raise NulInAddress()
        return get_response(request)
    return middleware


def _explain(exception) -> tuple[int, str, str]:
    if isinstance(exception, NulInAddress):
        return 400, "parse_error", str(_("Địa chỉ yêu cầu chứa ký tự không hợp lệ (NUL)."))
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
    back = _form_page(request)
    if back and hasattr(request, "_messages"):
        messages.error(request, message)
        return redirect(back)
    return render(request, "core/bad_request.html", {"message": message}, status=status)


def _form_page(request) -> str | None:
    """The page of ours a form was posted from (the Referer), where the message belongs."""
    if request.method != "POST":
        return None
    back = request.headers.get("Referer", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return back
    return None


def not_found(request, exception=None):
    """A path no route matches (urls.handler404): the API's JSON under /api/."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"code": "not_found", "message": str(_("Không tìm thấy."))},
                            status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """urls.handler500: the API's JSON under /api/, so a client can always parse the answer."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"code": "server_error", "message": str(_(
            "Hệ thống gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại. Vui lòng thử lại sau."))},
            status=500)
    return defaults.server_error(request)
