"""What every API endpoint reads from a request before its own code: the body's JSON and the
page number. Malformed input here is the client's error (400), never a server error."""

from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError
from rest_framework.pagination import PageNumberPagination

from .errors import ValidationFailed

MAX_PAGE_DIGITS = 9  # page 999,999,999 of 500 rows still fits a database's 64-bit OFFSET


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, where a body nested past Python's recursion limit (100,000 `[`) is
    unreadable input (ParseError, 400) instead of a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
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
