"""What one filing owes and may take: the case's papers, time and fees on its channel.

A version states its time and fees per case and per channel. A row with no case applies to
every case, a row with no channel to every channel; the most specific row wins for time, and
every applicable fee row counts. Fee rows of one non-zero group are alternatives (exactly one
applies); rows of group 0 always add.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from tinhso.core.errors import ValidationFailed

from .models import ChannelTime, Component, Fee, ProcedureCase


@dataclass(frozen=True)
class FeeQuote:
    amount: int  # what the filing owes now, in đồng
    settled: bool  # False: a row the officials must still compute (unit, %, resolution…)
    rows: tuple[Fee, ...]  # the rows that apply, in the version's order


def applies(row: Component | Fee | ChannelTime, case_id: int | None) -> bool:
    return row.case_id is None or row.case_id == case_id


def check_case(cases: dict[int, ProcedureCase], case_id) -> int | None:
    """The chosen case's id; a version with cases needs one of its own, one without none."""
    if not cases:
        if case_id not in (None, ""):
            raise ValidationFailed(_("Thủ tục này không chia trường hợp."), code="unknown_case")
        return None
    if case_id in (None, ""):
        raise ValidationFailed(_("Cần chọn trường hợp của thủ tục."), code="case_required",
                               details=[c.name for c in cases.values()])
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        case_id = None
    if case_id not in cases:
        raise ValidationFailed(_("Trường hợp đã chọn không thuộc thủ tục này."),
                               code="unknown_case")
    return case_id


def statutory_time(version, times, case_id: int | None,
                   channel: str) -> tuple[Decimal | None, str]:
    """(amount, TimeUnit) of the most specific row; (None, "") when none is stated."""
    best, rank = None, -1
    for row in times:
        if not applies(row, case_id) or row.channel not in ("", channel):
            continue
        row_rank = (row.case_id is not None) * 2 + (row.channel == channel)
        if row_rank > rank:
            best, rank = row, row_rank
    if best is not None:
        return best.processing_time, best.time_unit if best.processing_time is not None else ""
    if version.processing_time is None:
        return None, ""
    return version.processing_time, version.time_unit


def fee_quote(fees, case_id: int | None, channel: str, on: date) -> FeeQuote:
    rows = tuple(f for f in fees if applies(f, case_id) and f.channel in ("", channel)
                 and (f.valid_from is None or f.valid_from <= on)
                 and (f.valid_until is None or on <= f.valid_until))
    amount, settled, groups = 0, True, {}
    for fee in rows:
        if fee.group:
            groups.setdefault(fee.group, []).append(fee)
        elif _fixed(fee):
            amount += fee.amount
        else:
            settled = False
    for alternatives in groups.values():
        if len(alternatives) == 1 and _fixed(alternatives[0]):
            amount += alternatives[0].amount
        else:  # which alternative applies is the official's call at intake
            settled = False
    return FeeQuote(amount, settled, rows)


def _fixed(fee: Fee) -> bool:
    return (fee.basis == Fee.Basis.FIXED and fee.amount is not None
            and fee.currency == "VND")

