"""Dossier codes: <agency code>-<yymmdd>-<counter>, per agency and local day, without gaps."""

import pytest
from django.db import transaction

from tinhso.dossiers.codes import format_code, next_code
from tinhso.dossiers.models import CodeCounter

from .conftest import at, submit_online


def test_format():
    from datetime import date

    assert format_code("H44.07", date(2026, 8, 13), 1) == "H44.07-260813-0001"
    assert format_code("H44.100", date(2026, 8, 13), 12345) == "H44.100-260813-12345"


def test_codes_run_per_agency_and_day(province):
    p = province
    codes = [submit_online(p, at_=at(2026, 2, 13, 8, m)).code for m in range(3)]
    assert codes == ["H44.07-260213-0001", "H44.07-260213-0002", "H44.07-260213-0003"]
    assert submit_online(p, agency=p.commune).code == "H44.100-260213-0001"
    assert submit_online(p, at_=at(2026, 2, 14, 8)).code == "H44.07-260214-0001"
    assert CodeCounter.objects.get(agency=p.agency, day="2026-02-13").last == 3


def test_the_day_is_the_local_day(province):
    # 23:30 and 00:30 Hanoi time are the same UTC day (16:30 and 17:30 UTC on 13 Feb).
    assert submit_online(province, at_=at(2026, 2, 13, 23, 30)).code.endswith("260213-0001")
    assert submit_online(province, at_=at(2026, 2, 14, 0, 30)).code.endswith("260214-0001")


def test_a_rolled_back_code_is_given_again(province):
    when = at(2026, 2, 13, 9)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_code(province.agency, when).endswith("-0001")
        raise RuntimeError("intake failed after taking the number")
    with transaction.atomic():
        assert next_code(province.agency, when).endswith("-0001")
