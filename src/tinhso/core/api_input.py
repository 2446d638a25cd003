"""What every API endpoint reads from a request before its own code: the body's JSON and the
page number. Malformed input here is the client's error (400), never a server error."""

import io

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.pagination import PageNumberPagination

from .bad_request import too_large_message
from .errors import ValidationFailed

MAX_PAGE_DIGITS = 9  # page 999,999,999 of 500 rows still fits a database's 64-bit OFFSET


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(too_large_message())


def _refuse_nul(data):
    """A NUL character is no text a person types, and PostgreSQL cannot store or compare it
    (a lookup by a code holding one is a database error): refuse it at the edge."""
    if isinstance(data, str):
        if "\x00" in data:
            raise ParseError(_("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."))
    elif hasattr(data, "lists"):  # a QueryDict: every value of every key
        for _key, values in data.lists():
            _refuse_nul(values)
    elif isinstance(data, dict):
        for value in data.values():
            _refuse_nul(value)
    elif isinstance(data, list | tuple):
        for value in data:
            _refuse_nul(value)
    return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return _refuse_nul(super().parse(stream, media_type, parser_context))


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        _refuse_nul(result.data)
        return result


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, where a body nested past Python's recursion limit (100,000 `[`) is
    unreadable input (ParseError, 400) instead of a RecursionError (500), and a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) as Django refuses a form's: DRF reads the
    stream itself, past Django's check."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None:
            body = stream.read(limit + 1)
            if len(body) > limit:
                raise RequestTooLarge()
            stream = io.BytesIO(body)
        try:
            return _refuse_nul(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise ParseError(_("Dữ liệu JSON lồng nhau quá sâu.")) from None


class Pagination(PageNumberPagination):
    """Page-number pages whose number must be a positive integer of a sane size: `abc`, `-1`,
    `1e309` or a number past 64 bits is a 400; a page past the last stays DRF's 404."""

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        text = str(number)
        if not (text.isascii() and text.isdigit() and len(text) <= MAX_PAGE_DIGITS
                and int(text) >= 1):
            raise ValidationFailed(_("Số trang phải là số nguyên dương (1, 2, 3…)."),
                                   code="invalid_page")
        return number
