"""Home, procedure search and the procedure page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from tinhso.catalog import selectors as catalog
from tinhso.catalog.models import Channel, OnlineLevel, ProcedureVersion
from tinhso.dossiers.inputs import offers_online

from ..forms import SearchForm
from .common import download

PAGE_SIZE = 20


def published():
    return catalog.procedures(None).filter(
        current_version__status=ProcedureVersion.Status.PUBLISHED)


def search(request):
    form = SearchForm(request.GET or None)
    qs = published()
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            qs = catalog.search(qs, data["q"])
        if data["sector"]:
            qs = qs.filter(sector=data["sector"])
        if data["agency"]:
            qs = qs.filter(current_version__agencies=data["agency"])
        if data["level"] == "province":
            qs = qs.filter(current_version__at_province=True)
        elif data["level"] == "commune":
            qs = qs.filter(current_version__at_commune=True)
        if data["online"]:
            qs = qs.exclude(current_version__online_level=OnlineLevel.NONE)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "portal/search.html", {
        "form": form, "page": page, "query": query.urlencode(),
    })


def _procedure(code: str):
    found = catalog.with_current_parts(published().filter(code=code)).first()
    if found is None:
        raise Http404
    return found


def procedure(request, code):
    proc = _procedure(code)
    version = proc.current_version
    processes = list(version.processes.all())
    generic = next((p for p in processes if p.agency_id is None), None)
    process = generic or (processes[0] if processes else None)
    online = offers_online(version)
    return render(request, "portal/procedure.html", {
        "procedure": proc, "version": version,
        # Per case: its papers, and per channel its time and fees (catalog.terms' rules).
        "cases": catalog.case_terms(version, channels=(Channel.ONLINE,) if online else ()),
        "results": list(version.resulttypes.all()),
        "agencies": sorted(version.agencies.all(), key=lambda a: a.code),
        "steps": sorted(process.steps.all(), key=lambda s: s.order) if process else [],
        "online": online,
    })


def component_template(request, code, pk):
    proc = _procedure(code)
    return download(next((c.template for c in proc.current_version.components.all()
                          if c.pk == pk), None))


def home(request):
    """The portal's front page (the site root)."""
    return render(request, "portal/home.html", {
        "form": SearchForm(),
        "featured": published().filter(current_version__online_level=OnlineLevel.FULL)[:6],
    })
