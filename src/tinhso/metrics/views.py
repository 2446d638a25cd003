"""Operations dashboard pages: thin, reading `selectors`; every table exports to Excel.

Scores are public (the national portal publishes them); the lists of dossiers behind a
component are for staff, scoped by `core.access` like every other list (404 outside scope).
"""

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tinhso.core.access import visible_agency_ids
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.text import fold

from . import periods, selectors, tables
from .aggregation import local_today
from .definitions import active_definition
from .exports import workbook
from .models import RefreshState
from .staticfinders import STATIC_PATH
from .tasks import refresh_if_stale

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
RANKING_PAGE_SIZE = 10


def _period(request) -> periods.Period:
    first, last = request.GET.get("from"), request.GET.get("to")
    if first and last:
        return periods.parse(f"{first}..{last}")
    return periods.parse(request.GET.get("period"), local_today())


def can_drill(user, agency=None) -> bool:
    if not user.is_authenticated:
        return False
    visible = visible_agency_ids(user)
    if visible is None:
        return True
    return agency is not None and agency.pk in visible


def _error(request, exc: DomainError):
    if isinstance(exc, NotFound):
        raise Http404(str(exc.message))
    return render(request, "metrics/error.html", {"message": exc.message}, status=exc.status)


def _context(request, agency=None) -> dict:
    today = local_today()
    period = _period(request)
    definition = active_definition()
    result = selectors.index_for(period, agency, today=today, definition=definition)
    points = selectors.trend(period, agency, today=today, definition=definition)
    ctx = {
        "agency": agency,
        "period": period,
        "result": result,
        "trend": points,
        "period_choices": [(p.code, p.label) for p in periods.offered(today)],
        "can_drill": can_drill(request.user, agency),
        "drillable": selectors.DRILLABLE,
        "petition_drillable": selectors.PETITION_DRILLABLE,
        "echarts": finders.find(STATIC_PATH) is not None,
        "refreshed_at": _refreshed_at(),
        "query": _period_query(period),
        "chart_data": {
            "groups": [{"name": f"{g.code}. {g.name}", "points": float(g.points),
                        "max": float(g.maximum)} for g in result.score.groups],
            "trend": [{"label": p.period.label, "total": float(p.total),
                       "timeliness": float(p.timeliness_rate) if p.timeliness_rate is not None
                       else None} for p in points],
        },
    }
    if agency is None:
        ctx["rankings"] = [
            _ranking(request, level, title, period, today, definition)
            for level, title in (("department", _("Xếp hạng sở, ban, ngành")),
                                 ("commune", _("Xếp hạng xã, phường")))]
    return ctx


def _ranking(request, level, title, period, today, definition) -> dict:
    """One ranking, searched (?<level>_q=, diacritics and case ignored) and paged
    (?<level>_page=) on the server: a province's hundred communes are not one endless page on
    a phone. Ranks stay the province's; the search only chooses which rows are shown."""
    sort = request.GET.get(f"{level}_sort", "rank")
    rows = selectors.ranking(level, period, sort=sort, today=today, definition=definition)
    every = len(rows)
    q = request.GET.get(f"{level}_q", "").strip()[:100]
    if q:
        wanted = fold(q)
        rows = [r for r in rows
                if wanted in fold(r.agency.name) or wanted in fold(r.agency.code)]
    page = Paginator(rows, RANKING_PAGE_SIZE).get_page(request.GET.get(f"{level}_page"))
    params = request.GET.copy()
    params.pop(f"{level}_page", None)
    keep = [(key, value) for key, values in params.lists() if key != f"{level}_q"
            for value in values]
    return {"level": level, "title": title, "sort": sort, "q": q, "page": page,
            "every": every, "keep": keep, "query": params.urlencode()}


def _refreshed_at():
    """When the aggregates were last brought up to date (None: never built). A build, or the
    first refresh of a new day, is queued here when due."""
    refresh_if_stale(local_today())
    at = RefreshState.objects.filter(pk=1).values_list("last_full_at", "last_run_at").first()
    return at[1] if at and at[0] else None


def index(request):
    """Province view: total, groups, trend, rankings of departments and of communes."""
    try:
        ctx = _context(request)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "metrics/index.html", ctx)


def agency(request, code):
    try:
        ctx = _context(request, selectors.agency_by_code(code))
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "metrics/index.html", ctx)


@login_required
def dossiers(request, component, code=None):
    """The dossiers behind a component: the late ones, the not digitised ones, …"""
    return _drilldown(request, component, code, selectors.drilldown, dossier_url,
                      "metrics/dossiers.html")


@login_required
def petitions(request, component, code=None):
    """The petitions behind 6.1 (handled late) or 6.2 (answer not satisfying)."""
    return _drilldown(request, component, code, selectors.petition_drilldown, petition_url,
                      "metrics/petitions.html")


def _drilldown(request, component, code, select, url_of, template):
    """One page of what `select` finds against the scope in the component, each row with
    the address where it opens."""
    try:
        period = _period(request)
        agency = selectors.agency_by_code(code) if code else None
        qs = select(request.user, period, component, agency)
    except DomainError as exc:
        return _error(request, exc)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.url = url_of(row.code)
    name = selectors.component_names().get(component, component)
    return render(request, template, {
        "agency": agency, "period": period, "component": component, "component_name": name,
        "page": page, "query": _period_query(period),
    })


def _period_query(period) -> str:
    """The period as the dashboard's links carry it."""
    return urlencode({"period": period.code} if period.kind != "range" else
                     {"from": period.first, "to": period.last})


def petition_url(code: str) -> str:
    """Where a petition opens for officials (the back office)."""
    try:
        return reverse("backoffice:petition", args=[code])
    except NoReverseMatch:
        return f"/api/v1/petitions/{code}/"


def export(request, table):
    """?agency=&period=&level=&sort=&component= : one table as .xlsx."""
    try:
        period = _period(request)
        code = request.GET.get("agency")
        agency = selectors.agency_by_code(code) if code else None
        built = _table(request, table, period, agency)
    except DomainError as exc:
        return _error(request, exc)
    if built is None:
        return HttpResponseBadRequest(_("Không có bảng %s.") % table)
    scope = agency.name if agency else _("Toàn tỉnh")
    notes = [built.title, f"{scope} · {period.label}",
             _("Bộ chỉ số: %s") % active_definition()["version"]]
    body = workbook(built.title, built.headers, built.rows, notes)
    response = HttpResponse(body, content_type=XLSX)
    filename = f"chi-so-{table}-{agency.code if agency else 'tinh'}-{period.code}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename.replace("..", "_")}"'
    return response


def _table(request, table, period, agency):
    today = local_today()
    if table in ("groups", "components", "no_data"):
        result = selectors.index_for(period, agency, today=today)
        if table == "groups":
            return tables.groups(result)
        return tables.components(result, with_data=table == "components")
    if table == "trend":
        return tables.trend(selectors.trend(period, agency, today=today))
    if table in ("department", "commune"):
        rows = selectors.ranking(table, period, sort=request.GET.get("sort", "rank"),
                                 today=today)
        title = _("Xếp hạng sở, ban, ngành") if table == "department" else _(
            "Xếp hạng xã, phường")
        return tables.ranking(table, title, rows)
    if table == "dossiers":
        if not request.user.is_authenticated:
            raise NotFound()
        component = request.GET.get("component", "")
        qs = selectors.drilldown(request.user, period, component, agency)[:10_000]
        return tables.dossiers(selectors.component_names().get(component, component), qs)
    return None


def dossier_url(code: str) -> str:
    """Where a dossier opens (the back office page when it exists, else the API detail)."""
    try:
        return reverse("backoffice:dossier", args=[code])
    except NoReverseMatch:
        return f"/api/v1/dossiers/{code}/"
