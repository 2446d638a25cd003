"""Dashboard pages, drill-down access, Excel export and the ECharts finder."""

import sys
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from openpyxl import load_workbook

from tinhso.core.models import Agency
from tinhso.core.roles import Role
from tinhso.dossiers.tests.conftest import make_user
from tinhso.metrics import periods, selectors
from tinhso.metrics.aggregation import refresh
from tinhso.metrics.staticfinders import STATIC_PATH
from tinhso.metrics.views import dossier_url

from .conftest import NOW, TODAY

PERIOD = "2026-02"  # fully before NOW: aggregates and classify agree on every day of it
LONG = "2025-10-01..2026-02-28"
FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder",
           "django.contrib.staticfiles.finders.AppDirectoriesFinder",
           "tinhso.metrics.staticfinders.EChartsFinder"]


@pytest.fixture
def built(seeded):
    refresh(full=True, now=NOW)
    return seeded


def test_province_page_is_public_with_groups_trend_and_rankings(client, built):
    response = client.get(reverse("metrics:index"), {"period": PERIOD})
    assert response.status_code == 200
    html = response.content.decode()
    result = selectors.index_for(periods.parse(PERIOD), today=TODAY)
    for marker in ('id="metrics-province"', 'id="groups-table"', 'id="trend-table"',
                   'id="ranking-department-table"', 'id="ranking-commune-table"',
                   'id="no-data"', "portal-2026.1", "UBND xã Hy Cương", "Sở Xây dựng"):
        assert marker in html
    assert result.score.grade_label in html
    # Anonymous visitors see scores but no links to lists of dossiers.
    assert "/dashboard/dossiers/" not in html
    # "No data" components are listed apart, e.g. publishing procedures on time (1.1).
    no_data = html.split('id="no-data"')[1]
    assert "Công bố TTHC đúng hạn" in no_data


def test_rankings_sort_without_javascript(client, built):
    url = reverse("metrics:index")
    html = client.get(url, {"period": PERIOD, "commune_sort": "name"}).content.decode()
    table = html.split('id="ranking-commune-table"')[1].split("</table>")[0]
    names = [n for n in ("UBND phường Việt Trì", "UBND xã Hy Cương", "UBND xã Không Có Thủ Tục")
             if n in table]
    assert sorted(names, key=table.index) == sorted(names)
    assert 'aria-sort="ascending"' in table


def test_agency_page_and_unknown_agency(client, built):
    ward = built["ward"]
    response = client.get(reverse("metrics:agency", args=[ward.code]), {"period": PERIOD})
    assert response.status_code == 200
    assert 'id="metrics-agency"' in response.content.decode()
    assert client.get(reverse("metrics:agency", args=["H99.999"])).status_code == 404


def test_bad_period_is_explained_in_vietnamese(client, built):
    response = client.get(reverse("metrics:index"), {"period": "2026-13"})
    assert response.status_code == 400
    assert "Kỳ không hợp lệ" in response.content.decode()


def test_drilldown_needs_login_and_is_scoped_to_the_agency(client, built):
    period = periods.parse(LONG)
    lates = {a: selectors.index_for(period, a, today=TODAY).counters.late
             for a in built.values()}
    agency = max(lates, key=lates.get)
    other = next(a for a in built.values() if a != agency)
    late = lates[agency]
    assert late > 0
    url = reverse("metrics:dossiers", args=[agency.code, "2.1"])
    assert client.get(url, {"period": LONG}).status_code == 302  # to the log-in page
    client.force_login(make_user("can-bo-khac", agency=other, roles=[Role.SPECIALIST]))
    assert client.get(url, {"period": LONG}).status_code == 404
    client.force_login(make_user("can-bo", agency=agency, roles=[Role.SPECIALIST]))
    response = client.get(url, {"period": LONG})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == late
    first = response.context["page"][0]
    assert f'href="{dossier_url(first.code)}"' in response.content.decode()


def test_province_supervisor_drills_down_everywhere(client, built):
    client.force_login(make_user("giam-sat", roles=[Role.PROVINCE_SUPERVISOR]))
    html = client.get(reverse("metrics:index"), {"period": PERIOD}).content.decode()
    assert "/dashboard/dossiers/2.1/" in html
    response = client.get(reverse("metrics:province_dossiers", args=["5.2"]), {"period": PERIOD})
    assert response.status_code == 200
    c = selectors.index_for(periods.parse(PERIOD), today=TODAY).counters
    assert response.context["page"].paginator.count == c.received - c.digitized


def test_every_table_exports_to_excel(client, built):
    communes = Agency.objects.filter(level=Agency.Level.COMMUNE).count()
    url = reverse("metrics:export", args=["commune"])
    response = client.get(url, {"period": PERIOD})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.values)
    header = rows.index(next(r for r in rows if r[0] == "Hạng"))
    assert len(rows) - header - 1 == communes
    for table in ("groups", "components", "no_data", "trend", "department"):
        assert client.get(reverse("metrics:export", args=[table]),
                          {"period": PERIOD}).status_code == 200
    dossiers = reverse("metrics:export", args=["dossiers"])
    assert client.get(dossiers, {"period": PERIOD, "component": "2.1"}).status_code == 404
    client.force_login(make_user("giam-sat", roles=[Role.PROVINCE_SUPERVISOR]))
    sheet = load_workbook(BytesIO(client.get(dossiers, {"period": LONG, "component": "2.1"})
                                  .content)).active
    late = selectors.index_for(periods.parse(LONG), today=TODAY).counters.late
    assert sheet.max_row == late + 4  # three lines of notes, one header


def test_echarts_is_served_from_its_package_without_importing_it(client, built, settings):
    settings.STATICFILES_FINDERS = FINDERS
    finders.get_finder.cache_clear()
    try:
        path = finders.find(STATIC_PATH)
        assert path and path.endswith("echarts.esm.min.js")
        assert "instaui_echarts" not in sys.modules and "instaui" not in sys.modules
        with open(path, encoding="utf-8") as bundle:
            text = bundle.read()
        # ECharts' own self-contained ES module: it exports init and imports nothing.
        assert " as init," in text and 'from"' not in text and "Apache" in text[:300]
        html = client.get(reverse("metrics:index"), {"period": PERIOD}).content.decode()
        assert 'id="chart-groups"' in html and 'data-echarts="/static/echarts/' in html
    finally:
        finders.get_finder.cache_clear()


def test_page_without_the_finder_keeps_its_tables(client, built, settings):
    settings.STATICFILES_FINDERS = [f for f in settings.STATICFILES_FINDERS
                                    if not f.endswith("EChartsFinder")]
    html = client.get(reverse("metrics:index"), {"period": PERIOD}).content.decode()
    assert "echarts.esm.min.js" not in html and 'id="groups-table"' in html


def test_before_the_first_build_the_page_says_so_and_queues_it(client, db):
    from django_tasks_db.models import DBTaskResult

    html = client.get(reverse("metrics:index")).content.decode()
    assert 'id="metrics-not-built"' in html
    assert DBTaskResult.objects.count() == 1
    client.get(reverse("metrics:index"))
    assert DBTaskResult.objects.count() == 1  # folded into the queued one


def test_a_long_ranking_is_paged_and_searched_without_diacritics(client, built):
    ward = Agency.objects.get(name="UBND xã Hy Cương")
    for i in range(25):
        Agency.objects.create(code=f"H25.2{i:02d}", name=f"UBND xã Thử Nghiệm {i}",
                              level=Agency.Level.COMMUNE, unit=ward.unit)
    every = len(selectors.ranking("commune", periods.parse(PERIOD), today=TODAY))
    url = reverse("metrics:index")

    def rows(**query):
        html = client.get(url, {"period": PERIOD, **query}).content.decode()
        table = html.split('id="ranking-commune-table"')[1].split("</table>")[0]
        return table.split("<tbody>")[1].count("<tr"), table

    assert rows()[0] == 10  # a page, not every commune of the province
    last = (every - 1) // 10 + 1
    assert rows(commune_page=last)[0] == every - 10 * (last - 1)
    found, table = rows(commune_q="hy cuong")  # diacritics and case ignored
    assert found == 1 and "UBND xã Hy Cương" in table
    rank = next(r.rank for r in selectors.ranking("commune", periods.parse(PERIOD),
                                                  today=TODAY) if r.agency == ward)
    assert f"<td>{rank}</td>" in table  # the province's rank, not its place in the search


def test_after_a_refresh_every_offered_view_is_ready_for_every_process(built, monkeypatch):
    """The refresh runs warm() before it commits: the province's trend and rankings of every
    period the picker offers are in the shared cache under the new stamp, so a page served by
    another process scores nothing again; each trend is the one counted on its own."""
    from tinhso.metrics.definitions import active_definition

    refresh(now=NOW, then=lambda: selectors.warm(TODAY))
    scored = []

    def spy(name):  # full scores (index) and totals (rankings, trend) alike
        original = getattr(selectors, name)
        monkeypatch.setattr(selectors, name, lambda *a: scored.append(name) or original(*a))

    spy("score"), spy("total")
    offered = periods.offered(TODAY)
    assert [p.kind for p in offered] == ["month"] * 12 + ["quarter"] * 4 + ["year"] * 2
    trends = {}
    for period in offered:
        for level in selectors.LEVELS:
            assert selectors.ranking(level, period, today=TODAY)
        trends[period] = selectors.trend(period, today=TODAY)
    assert scored == []
    for period, points in trends.items():
        months = selectors._months(period, 12, TODAY)  # twelve, or up to this month
        assert [p.period for p in points] == months and len(months) in (12, TODAY.month)
        assert points == selectors._trend(months, None, TODAY, active_definition())
    assert any(p.judged for points in trends.values() for p in points)
    # A refresh renames every result: nothing computed before it is read after it.
    refresh(now=NOW)
    selectors.ranking("commune", offered[0], today=TODAY)
    assert "total" in scored  # scored afresh


def test_a_date_range_of_ones_own_shows_the_trend_the_refresh_computed(built, monkeypatch):
    """The trend shows whole months up to the range's last: a range ending in an offered month
    reads that month's trend, counted by the refresh, and counts nothing itself."""
    refresh(now=NOW, then=lambda: selectors.warm(TODAY))
    counted = []
    original = selectors._trend
    monkeypatch.setattr(selectors, "_trend", lambda *a: counted.append(a) or original(*a))
    last_month = periods.offered(TODAY)[1]
    start = last_month.first + timedelta(days=3)
    own = periods.parse(f"{start}..{start + timedelta(days=14)}")
    assert own.kind == "range"
    assert selectors.trend(own, today=TODAY) == selectors.trend(last_month, today=TODAY)
    assert counted == []
    # A range ending in a month no view offers is counted, once.
    first = TODAY.replace(year=TODAY.year - 3, day=1)
    older = periods.parse(f"{first}..{first + timedelta(days=20)}")
    selectors.trend(older, today=TODAY)
    selectors.trend(older, today=TODAY)
    assert len(counted) == 1


def test_a_failed_warm_up_never_undoes_the_refresh(built, caplog):
    """The warm-up runs inside the refresh's transaction, in a savepoint of its own: when
    it fails, what it wrote is undone and the refresh is kept, with the failure logged."""
    from tinhso.metrics.models import RefreshState

    before = RefreshState.objects.get(pk=1).stamp

    def broken():
        RefreshState.objects.update(last_seconds=-1)
        raise RuntimeError("warm-up failed")

    refresh(now=NOW, then=broken)
    state = RefreshState.objects.get(pk=1)
    assert state.stamp != before and state.last_seconds >= 0
    assert "Không tính sẵn được các trang chỉ số" in caplog.text


def test_the_pages_two_rankings_read_the_aggregates_once_per_period(built, monkeypatch):
    """The first reader after a refresh: the departments' ranking reads every agency's counts
    for the period and the one before; the communes' ranking then reads none again."""
    from django.core.cache import caches

    from tinhso.metrics import counts

    caches["metrics"].clear()
    reads = []
    original = counts.read_uncached
    monkeypatch.setattr(counts, "read_uncached", lambda *a: reads.append(a) or original(*a))
    period = periods.parse(None, TODAY)
    selectors.ranking("department", period, today=TODAY)
    assert len(reads) == 2
    communes = selectors.ranking("commune", period, today=TODAY)
    assert len(reads) == 2
    assert communes and all(r.agency.level == Agency.Level.COMMUNE for r in communes)
    # The month before reuses this ranking's "before", read and scored: it reads and scores
    # only its own "before".
    scored = []
    original_total = selectors.total
    monkeypatch.setattr(selectors, "total", lambda *a: scored.append(a) or original_total(*a))
    earlier = period.previous()
    selectors.ranking("commune", earlier, today=TODAY)
    assert [r[:2] for r in reads[2:]] == [(earlier.previous().first, earlier.previous().last)]
    with_facts = [pk for pk in original(*reads[2]) if pk is not None]
    assert len(scored) == len(with_facts) + 1  # and once for an agency without facts


def test_catalogue_counts_follow_the_catalogue_not_the_refresh(built):
    from collections import defaultdict

    from tinhso.catalog.models import ProcedureVersion
    from tinhso.metrics import counts

    def published():
        out = defaultdict(counts.Counters)
        counts.catalogue(out, None, False)
        return out[counts.PROVINCE].cat_published

    before = published()
    assert before == published() > 0  # kept: the same catalogue reads the same
    ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED).filter(
        pk=ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED)
        .values("pk")[:1]).update(status=ProcedureVersion.Status.RETIRED)
    assert published() == before - 1  # no refresh in between
