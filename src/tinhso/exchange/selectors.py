"""Read queries of the LGSP for the operator's pages: the registry, and the message log a page
at a time.

The log grows by millions of records: its pages are keyset pages on `seq` (newest first,
`before`/`after` a seq), never OFFSET and never COUNT(*). Each filter has an index that walks
backwards from the newest record (client+seq, service+seq, refused records by seq).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import AccessRight, ClientCredential, MemberSystem, MessageRecord, Service

# What the gateway writes as a record's outcome, with the operator's words for it
# (docs/exchange.md lists when each happens).
OUTCOMES = {
    "ok": _("Thành công"),
    "missing_assertion": _("Thiếu JWT xác thực"),
    "invalid_assertion": _("JWT không hợp lệ"),
    "unknown_client": _("Hệ thống khách không xác định"),
    "assertion_expired": _("JWT hết hạn"),
    "assertion_replayed": _("JWT bị dùng lại"),
    "unknown_service": _("Dịch vụ không tồn tại"),
    "access_denied": _("Chưa được cấp quyền"),
    "rate_limited": _("Vượt giới hạn tần suất"),
    "payload_too_large": _("Dữ liệu quá lớn"),
    "circuit_open": _("Tạm ngừng (ngắt mạch)"),
    "provider_timeout": _("Hệ thống cung cấp quá thời gian"),
    "provider_unreachable": _("Không kết nối được hệ thống cung cấp"),
    "provider_response_too_large": _("Phản hồi quá lớn"),
    "provider_bad_response": _("Phản hồi sai giao thức"),
    "soap_fault": _("Lỗi SOAP của hệ thống cung cấp"),
    "unknown_operation": _("Thao tác SOAP không tồn tại"),
    "invalid_json": _("JSON không hợp lệ"),
    "method_not_allowed": _("Phương thức không dùng được"),
}
REFUSED = "refused"  # any outcome but "ok"


def systems():
    return MemberSystem.objects.select_related("agency").order_by("identifier")


def system(pk: int) -> MemberSystem:
    return MemberSystem.objects.select_related("agency").get(pk=pk)


def services_of(system: MemberSystem):
    return Service.objects.filter(provider=system).order_by("code", "version")


def all_services():
    return Service.objects.select_related("provider").order_by("identifier")


def service(pk: int) -> Service:
    return Service.objects.select_related("provider").get(pk=pk)


def credentials_of(system: MemberSystem):
    return ClientCredential.objects.filter(system=system).order_by("-created_at", "-id")


def credential(pk: int) -> ClientCredential:
    return ClientCredential.objects.select_related("system").get(pk=pk)


def rights_of_client(system: MemberSystem):
    return AccessRight.objects.filter(client=system).select_related(
        "service").order_by("service__identifier", "method", "path_prefix")


def rights_on(service: Service):
    return AccessRight.objects.filter(service=service).select_related(
        "client").order_by("client__identifier", "method", "path_prefix")


def right(pk: int) -> AccessRight:
    return AccessRight.objects.select_related("client", "service").get(pk=pk)


@dataclass
class LogPage:
    records: list[MessageRecord]
    older: int | None  # `before` of the next (older) page, if there is one
    newer: int | None  # `after` of the previous (newer) page, if there is one


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))  # the province's day


def log_page(*, client: str = "", service: str = "", outcome: str = "",
             since: date | None = None, until: date | None = None,
             before: int | None = None, after: int | None = None, size: int = 25) -> LogPage:
    """One page of the log, newest first: the `size` records before seq `before` (or the
    newest), or the `size` just after seq `after` (going back towards the newest)."""
    qs = MessageRecord.objects.all()
    if client:
        qs = qs.filter(client=client)
    if service:
        qs = qs.filter(service=service)
    if outcome == REFUSED:
        qs = qs.exclude(outcome="ok")
    elif outcome:
        qs = qs.filter(outcome=outcome)
        if outcome != "ok":  # lets the planner use the index of refused records
            qs = qs.exclude(outcome="ok")
    if since:
        qs = qs.filter(started_at__gte=_day_start(since))
    if until:
        qs = qs.filter(started_at__lt=_day_start(until + timedelta(days=1)))
    if after is not None:
        rows = list(qs.filter(seq__gt=after).order_by("seq")[:size + 1])
        newer = rows[size - 1].seq if len(rows) > size else None
        rows = rows[:size][::-1]
        older = rows[-1].seq if rows and qs.filter(seq__lt=rows[-1].seq).exists() else None
        return LogPage(rows, older, newer)
    page = qs.filter(seq__lt=before) if before is not None else qs
    rows = list(page.order_by("-seq")[:size + 1])
    older = rows[size - 1].seq if len(rows) > size else None
    rows = rows[:size]
    newer = (rows[0].seq if rows and before is not None
             and qs.filter(seq__gt=rows[0].seq).exists() else None)
    return LogPage(rows, older, newer)
