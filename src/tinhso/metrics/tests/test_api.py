"""The same numbers through /api/v1/metrics/."""

from decimal import Decimal

import pytest

from tinhso.core.roles import Role
from tinhso.dossiers.tests.conftest import make_user
from tinhso.metrics import periods, selectors
from tinhso.metrics.aggregation import refresh
from tinhso.metrics.views import dossier_url

from .conftest import NOW, TODAY

PERIOD = "2026-02"


@pytest.fixture
def built(seeded):
    refresh(full=True, now=NOW)
    return seeded


def test_index_for_the_province_and_an_agency(client, built):
    body = client.get("/api/v1/metrics/", {"period": PERIOD}).json()
    result = selectors.index_for(periods.parse(PERIOD), today=TODAY)
    assert body["definition_version"] == "portal-2026.1"
    assert Decimal(body["total"]) == result.score.total
    assert body["judged"] == result.counters.judged and body["on_time"] == result.counters.on_time
    assert [g["code"] for g in body["groups"]] == ["1", "2", "3", "4", "5", "6"]
    components = {c["code"]: c for g in body["groups"] for c in g["components"]}
    assert components["1.1"]["has_data"] is False and components["1.1"]["points"] is None
    assert components["2.1"]["ratios"] == [{"numerator": result.counters.on_time,
                                            "denominator": result.counters.judged}]
    ward = built["ward"]
    body = client.get("/api/v1/metrics/", {"period": PERIOD, "agency": ward.code}).json()
    assert body["agency"] == ward.code
    assert Decimal(body["total"]) == selectors.index_for(
        periods.parse(PERIOD), ward, today=TODAY).score.total


def test_errors_are_json_in_vietnamese(client, built):
    response = client.get("/api/v1/metrics/", {"period": "2026-Q7"})
    assert response.status_code == 400 and "Kỳ không hợp lệ" in response.json()["message"]
    assert client.get("/api/v1/metrics/", {"agency": "H99.9"}).status_code == 404
    assert client.get("/api/v1/metrics/ranking/", {"level": "x"}).status_code == 400
    assert client.get("/api/v1/metrics/trend/", {"months": "99"}).status_code == 400


def test_ranking_and_trend(client, built):
    body = client.get("/api/v1/metrics/ranking/", {"period": PERIOD, "level": "commune",
                                                   "sort": "-total"}).json()
    totals = [Decimal(r["total"]) for r in body["results"]]
    assert totals == sorted(totals, reverse=True) and len(totals) == 3
    assert body["previous_period"]["code"] == "2026-01"
    body = client.get("/api/v1/metrics/trend/", {"period": PERIOD, "months": 3}).json()
    assert [m["period"]["code"] for m in body["months"]] == ["2025-12", "2026-01", "2026-02"]
    feb = selectors.index_for(periods.parse(PERIOD), today=TODAY)
    assert Decimal(body["months"][-1]["total"]) == feb.score.total
    assert body["months"][-1]["judged"] == feb.counters.judged


@pytest.mark.parametrize("last", [PERIOD, "2026-03"])  # 2026-03: a month cut short by today
def test_trend_matches_the_index_month_by_month(built, last):
    points = selectors.trend(periods.parse(last), months=5, today=TODAY)
    for p in points:
        one = selectors.index_for(p.period, today=TODAY)
        assert (p.total, p.judged) == (one.score.total, one.counters.judged), p.period.code


def test_dossier_lists_need_staff(client, built):
    url = "/api/v1/metrics/dossiers/"
    params = {"period": "2025-10-01..2026-02-28", "component": "2.1"}
    assert client.get(url, params).status_code in (401, 403)
    client.force_login(make_user("giam-sat", roles=[Role.PROVINCE_SUPERVISOR]))
    body = client.get(url, params).json()
    late = selectors.index_for(periods.parse(params["period"]), today=TODAY).counters.late
    assert body["count"] == late > 0
    first = body["results"][0]
    assert first["url"] == dossier_url(first["code"])  # the back office page, or the API
    assert client.get(url, {**params, "component": "1.1"}).status_code == 400


def test_definition_is_published(client, built):
    body = client.get("/api/v1/metrics/definition/").json()
    assert body["version"] == "portal-2026.1" and len(body["data"]["groups"]) == 6


def test_no_index_before_the_aggregates_are_built(client, seeded):
    """Zeros from empty aggregates would be an invented index: 503 until the first build."""
    for url in ("/api/v1/metrics/", "/api/v1/metrics/ranking/", "/api/v1/metrics/trend/"):
        response = client.get(url, {"period": PERIOD})
        assert response.status_code == 503, url
        assert response.json()["code"] == "metrics_not_built"
        assert "đang được tính lần đầu" in response.json()["message"]
    refresh(full=True, now=NOW)
    assert client.get("/api/v1/metrics/", {"period": PERIOD}).status_code == 200
