"""My work, and the searchable, exportable list of the agency's dossiers."""

import tempfile

from django.core.paginator import Paginator
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers import access_log, selectors
from tinhso.dossiers.models import Status

from .. import exports
from ..access import official_required
from ..forms import DossierFilterForm
from .common import render_page

PAGE_SIZE = 25
PREVIEW = 5  # dossiers shown under each queue on My work
BUCKET_LABELS = {
    "to_receive": _("Chờ tiếp nhận"),
    "processing": _("Đang xử lý"),
    "due_today": _("Đến hạn hôm nay"),
    "due_soon": _("Đến hạn trong 2 ngày làm việc"),
    "overdue": _("Quá hạn"),
    "unassigned": _("Chưa giao xử lý"),
}


@official_required
def index(request):
    user, now = request.user, timezone.now()
    counts = selectors.worklist_counts(user, now=now)
    queues = [{"bucket": b, "label": BUCKET_LABELS[b], "count": counts[b],
               "items": list(selectors.worklist(user, b, now=now)[:PREVIEW])}
              for b in selectors.BUCKETS]
    by_status = selectors.status_counts(user)
    access_log.listed(request, view="office.my_work", query={},
                      rows=sum(len(q["items"]) for q in queues))
    statuses = [{"value": s.value, "label": s.label, "count": by_status[s.value]}
                for s in Status]
    return render_page(request, "backoffice/index.html", {
        "queues": queues, "statuses": statuses, "now": now,
        "agency": user.agency, "province_wide": user.is_province_wide,
        # The unit's head: each official's load, beside the unit's unassigned queue.
        "unit_load": selectors.unit_load(user, now=now),
        "unit_head": selectors.is_unit_head(user),
    })


def _filtered(request):
    form = DossierFilterForm(request.GET or None)
    qs = selectors.dossiers_for(request.user)
    bucket = ""
    if form.is_bound and form.is_valid():
        bucket = form.cleaned_data.get("bucket") or ""
        if bucket:
            qs = selectors.worklist(request.user, bucket)
        qs = selectors.filter_dossiers(qs, actor=request.user, **form.filters())
    elif form.is_bound:
        qs = qs.none()
    if not bucket:
        qs = selectors.listing(qs)
    return form, qs, bucket


@official_required
def dossier_list(request):
    form, qs, bucket = _filtered(request)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    access_log.listed(request, view="office.list", rows=len(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "backoffice/dossier_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "now": timezone.now(),
        "bucket_label": BUCKET_LABELS.get(bucket, ""),
        "newest_only": selectors.shows_newest_only(request.GET.get("q"),
                                                   page.paginator.count),
    })


@official_required
def dossier_export(request):
    form, qs, _bucket = _filtered(request)
    if form.is_bound and not form.is_valid():  # the list page says what is wrong
        response = dossier_list(request)
        response.status_code = 400
        return response
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # Spilled to disk past a few MB; written here so that the entry can give its row count.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
    access_log.exported(request, rows=exports.write(qs, out))
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=f"ho-so-{stamp}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
