"""The rules of one filing (catalog.terms): the most specific time, fees that apply on a
channel and a date, alternatives, and the case a version with cases needs."""

from datetime import date
from decimal import Decimal

import pytest

from tinhso.catalog import terms
from tinhso.catalog.models import ChannelTime, Fee, ProcedureCase, ProcedureVersion
from tinhso.core.errors import ValidationFailed


def version(time=None, unit=""):
    return ProcedureVersion(processing_time=time, time_unit=unit)


def time_row(case=None, channel="", amount=None, unit=""):
    return ChannelTime(case_id=case, channel=channel,
                       processing_time=None if amount is None else Decimal(amount),
                       time_unit=unit)


def fee(amount, *, case=None, channel="", basis="fixed", group=0, currency="VND",
        valid_from=None, valid_until=None):
    return Fee(case_id=case, channel=channel, basis=basis, amount=amount, group=group,
               currency=currency, valid_from=valid_from, valid_until=valid_until)


def test_the_most_specific_time_wins_and_the_version_time_is_the_last_resort():
    rows = [time_row(None, "", 10, "working_days"), time_row(None, "online", 7, "working_days"),
            time_row(2, "", 5, "working_days"), time_row(2, "online", 4, "working_hours")]
    v = version(Decimal(15), "working_days")
    assert terms.statutory_time(v, rows, 2, "online") == (4, "working_hours")
    assert terms.statutory_time(v, rows, 2, "desk") == (5, "working_days")
    assert terms.statutory_time(v, rows, 1, "online") == (7, "working_days")
    assert terms.statutory_time(v, rows, 1, "post") == (10, "working_days")
    assert terms.statutory_time(v, [], None, "desk") == (15, "working_days")


def test_a_time_stated_nowhere_is_none_never_a_default():
    assert terms.statutory_time(version(), [], None, "desk") == (None, "")
    # A row that says "not stated" for its channel beats the version's general time.
    rows = [time_row(None, "post")]
    assert terms.statutory_time(version(Decimal(3), "working_days"), rows, None, "post") == (
        None, "")


def test_fees_apply_by_case_channel_and_date_and_alternatives_need_an_official():
    rows = [fee(20000, channel="desk"), fee(10000, channel="online"),
            fee(2000, case=2), fee(None, basis="resolution", case=3),
            fee(50000, valid_until=date(2026, 6, 30)), fee(30000, valid_from=date(2026, 7, 1))]
    on = date(2026, 12, 4)
    assert terms.fee_quote(rows, 1, "online", on).amount == 10000 + 30000
    assert terms.fee_quote(rows, 2, "desk", on) == terms.FeeQuote(
        20000 + 2000 + 30000, True, (rows[0], rows[2], rows[5]))
    three = terms.fee_quote(rows, 3, "desk", on)
    assert (three.amount, three.settled) == (20000 + 30000, False)
    assert terms.fee_quote(rows, 1, "desk", date(2026, 1, 1)).amount == 20000 + 50000
    alternatives = [fee(25000, group=1), fee(0, group=1), fee(5, currency="USD")]
    quote = terms.fee_quote(alternatives, None, "desk", on)
    assert (quote.amount, quote.settled) == (0, False)  # which one applies: the official's call
    assert terms.fee_quote([fee(25000, group=1)], None, "desk", on).amount == 25000


def test_a_version_with_cases_needs_one_of_its_own():
    cases = {7: ProcedureCase(pk=7, name="Chỗ ở thuộc sở hữu"), 8: ProcedureCase(pk=8)}
    assert terms.check_case(cases, "7") == 7
    for bad, code in ((None, "case_required"), ("", "case_required"), (9, "unknown_case"),
                      ("x", "unknown_case")):
        with pytest.raises(ValidationFailed) as err:
            terms.check_case(cases, bad)
        assert err.value.code == code
    assert terms.check_case({}, None) is None
    with pytest.raises(ValidationFailed, match="không chia trường hợp"):
        terms.check_case({}, 7)
