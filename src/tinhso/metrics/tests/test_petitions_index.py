"""Service index 6.1 (petitions handled on time) and 6.2 (satisfaction with the answers),
computed from the petitions' facts, with drill-down to the petitions behind them."""

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from tinhso.core.errors import NotFound
from tinhso.metrics import counts, periods, selectors
from tinhso.petitions import services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
MARCH = "2026-03"
END = date(2026, 3, 31)


def at(m, d, h=9):
    return datetime(2026, m, d, h, tzinfo=VN)


def filed(agency, when):
    return services.submit(None, services.PetitionInput(
        kind="feedback", title="Phản ánh", content="Nội dung", name="Trần Văn Dân",
        phone="0912345678", agency_id=agency.pk), at=when)


@pytest.fixture
def facts(province):
    p, staff = province, province.specialist
    on_time = services.answer(staff, filed(p.agency, at(3, 2)), text="Đã xử lý", at=at(3, 5))
    services.rate(on_time, rating=5, at=at(3, 6))
    late = services.answer(staff, filed(p.agency, at(3, 2)), text="Đã xử lý", at=at(3, 24))
    services.rate(late, rating=2, at=at(3, 25))
    services.refuse(staff, filed(p.agency, at(3, 2)), reason="Trùng", at=at(3, 3))
    open_late = filed(p.agency, at(2, 2))  # due early in March, never answered
    filed(p.agency, at(3, 20))  # open, not yet due at the end of March: not judged
    waiting = filed(p.agency, at(3, 2))  # overdue by now, but the clock is paused
    services.ask_for_info(staff, waiting, text="Xin thêm", at=at(3, 3))
    before = services.answer(staff, filed(p.agency, at(2, 2)), text="Cũ", at=at(2, 10))
    services.answer(p.other_specialist, filed(p.other_agency, at(3, 2)), text="Xong",
                    at=at(3, 4))
    return {"late": late, "open_late": open_late, "before": before}


def component(result, code):
    return next(c for g in result.score.groups for c in g.components if c.code == code)


@pytest.mark.django_db
def test_6_1_and_6_2_from_the_petitions_facts(province, facts):
    period = periods.parse(MARCH)
    result = selectors.index_for(period, province.agency, today=END)
    c61, c62 = component(result, "6.1"), component(result, "6.2")
    # On time: the answer of 5/3 and the refusal of 3/3; judged: the three closed in March
    # and the one still open past its deadline at the end of March.
    assert (c61.ratios[0].numerator, c61.ratios[0].denominator) == (2, 4)
    assert c61.points == Decimal("3.00")  # 6 × 2/4
    assert (c62.ratios[0].numerator, c62.ratios[0].denominator) == (1, 2)
    assert c62.points == Decimal("3.00")
    # The other agency's on-time answer counts for it alone; the province sums both.
    other = selectors.index_for(period, province.other_agency, today=END)
    assert component(other, "6.1").ratios[0] == counts.Ratio(1, 1)
    whole = selectors.index_for(period, today=END)
    assert component(whole, "6.1").ratios[0] == counts.Ratio(3, 5)
    by_agency = counts.read_uncached(period.first, END, None, by_agency=True)
    assert by_agency[province.agency.pk].pk_handled == 3


@pytest.mark.django_db
def test_nothing_to_handle_scores_full_marks(province):
    result = selectors.index_for(periods.parse(MARCH), province.commune, today=END)
    assert component(result, "6.1").points == Decimal("6.00")
    assert component(result, "6.1").has_data and component(result, "6.2").has_data


@pytest.mark.django_db
def test_trend_months_count_petitions_like_the_period(province, facts):
    points = selectors.trend(periods.parse(MARCH), province.agency, months=2, today=END)
    march = selectors.index_for(periods.parse(MARCH), province.agency, today=END)
    assert points[-1].total == march.score.total


@pytest.mark.django_db
def test_drilldown_lists_the_petitions_against_the_agency(province, facts, client):
    period = periods.parse(MARCH)
    late = selectors.petition_drilldown(province.specialist, period, "6.1", province.agency,
                                        today=END)
    assert {p.code for p in late} == {facts["late"].code, facts["open_late"].code}
    unhappy = selectors.petition_drilldown(province.specialist, period, "6.2",
                                           province.agency, today=END)
    assert [p.code for p in unhappy] == [facts["late"].code]
    with pytest.raises(NotFound):
        selectors.petition_drilldown(province.other_specialist, period, "6.1",
                                     province.agency, today=END)

    url = reverse("metrics:petitions", args=[province.agency.code, "6.1"])
    query = {"from": "2026-03-01", "to": "2026-03-31"}
    assert client.get(url, query).status_code == 302  # to the log-in page
    client.force_login(province.other_specialist)
    assert client.get(url, query).status_code == 404
    client.force_login(province.specialist)
    response = client.get(url, query)
    assert response.status_code == 200 and response.context["page"].paginator.count == 2
    assert f'href="/office/petitions/{facts["late"].code}/"' in response.content.decode()
    index = client.get(reverse("metrics:agency", args=[province.agency.code]), query)
    assert f"/dashboard/agency/{province.agency.code}/petitions/6.1/" in index.content.decode()


@pytest.mark.django_db
def test_the_trends_one_statement_counts_each_month_as_its_own_period(
        province, facts, django_assert_num_queries):
    spans = [(date(2026, 2, 1), date(2026, 2, 28)), (date(2026, 3, 1), END),
             (date(2026, 3, 1), date(2026, 3, 4))]  # the last one cut short by "today"
    for ids in (None, [province.agency.pk]):
        with django_assert_num_queries(1):
            together = counts.petitions_per_period(spans, ids)
        for span, found in zip(spans, together, strict=True):
            alone = defaultdict(counts.Counters)
            counts.petitions(alone, *span, ids, by_agency=False)
            assert found == {k: alone[counts.PROVINCE].get(k) for k in counts.PETITION_COUNTERS}
    # The agency's March: three closed, one open past its deadline; by 4 March only the
    # refusal of 3 March was closed.
    assert (together[1]["pk_handled"], together[1]["pk_open_late"]) == (3, 1)
    assert together[2]["pk_handled"] == 1
