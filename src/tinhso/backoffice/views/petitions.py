"""Petitions (PAKN) in the back office: the agency's inbox and queues, one petition and its
actions. Thin: reads go through petitions.selectors, changes through petitions.services."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError, NotFound
from tinhso.petitions import selectors, services

from ..access import official_required
from ..petition_forms import FORMS, NEEDS_PETITION, PetitionFilterForm
from .common import render_page

PAGE_SIZE = 25
QUEUE_LABELS = {
    "open": gettext_lazy("Đang xử lý"),
    "unassigned": gettext_lazy("Chưa giao cán bộ"),
    "mine": gettext_lazy("Giao cho tôi"),
    "waiting": gettext_lazy("Chờ người gửi bổ sung"),
    "due_soon": gettext_lazy("Sắp đến hạn (2 ngày làm việc)"),
    "overdue": gettext_lazy("Quá hạn"),
    "to_publish": gettext_lazy("Đã trả lời, chưa công khai"),
    "closed": gettext_lazy("Đã xử lý xong"),
}
ACTION_LABELS = {
    "assign": gettext_lazy("Giao cán bộ xử lý"),
    "ask_for_info": gettext_lazy("Yêu cầu người gửi bổ sung thông tin"),
    "refuse": gettext_lazy("Không tiếp nhận"),
    "forward": gettext_lazy("Chuyển cơ quan có thẩm quyền"),
    "answer": gettext_lazy("Trả lời"),
    "publish": gettext_lazy("Công khai câu trả lời"),
}
DONE = {
    "assign": gettext_lazy("Đã giao phản ánh, kiến nghị %(code)s."),
    "ask_for_info": gettext_lazy("Đã gửi yêu cầu bổ sung cho %(code)s; thời hạn tạm dừng."),
    "refuse": gettext_lazy("Đã không tiếp nhận %(code)s."),
    "forward": gettext_lazy("Đã chuyển %(code)s sang cơ quan có thẩm quyền."),
    "answer": gettext_lazy("Đã trả lời %(code)s."),
    "publish": gettext_lazy("Đã công khai câu trả lời của %(code)s."),
}


@official_required
def petition_list(request):
    user, now = request.user, timezone.now()
    form = PetitionFilterForm(request.GET or None, labels=QUEUE_LABELS)
    qs = selectors.for_official(user)
    queue = ""
    if form.is_bound and form.is_valid():
        queue = form.cleaned_data["queue"]
        if queue:
            qs = selectors.in_queue(qs, queue, user, now=now)
        text = form.cleaned_data["q"].strip()
        if text:
            qs = qs.filter(Q(code__iexact=text) | Q(title__icontains=text)
                           | Q(submitter_name__icontains=text))
    elif form.is_bound:
        qs = qs.none()
    counts = selectors.queue_counts(user, now=now)
    page = Paginator(qs.order_by("due_at", "pk") if queue and queue != "closed" else qs,
                     PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "backoffice/petition_list.html", {
        "form": form, "page": page, "query": query.urlencode(), "queue": queue,
        "queue_label": QUEUE_LABELS.get(queue, ""),
        "queues": [{"queue": q, "label": QUEUE_LABELS[q], "count": counts[q]}
                   for q in selectors.QUEUES],
        "agency": user.agency, "province_wide": user.is_province_wide,
    })


def _forms(request, petition, bound=None):
    offered = services.offered(request.user, petition)
    out = []
    for action in offered:
        cls = FORMS[action]
        kwargs = {"petition": petition} if action in NEEDS_PETITION else {}
        form = bound if bound is not None and bound[0] == action else None
        out.append({"action": action, "label": ACTION_LABELS[action],
                    "form": form[1] if form else cls(prefix=action, **kwargs),
                    "danger": action == "refuse"})
    return out


def _detail(request, petition, bound=None, status=200):
    return render_page(request, "backoffice/petition_detail.html", {
        "petition": petition, "actions": _forms(request, petition, bound),
        "may_handle": services.may_handle(request.user, petition),
    }, status=status)


@official_required
def petition_detail(request, code):
    return _detail(request, selectors.get_for_official(request.user, code))


@official_required
@require_POST
def petition_act(request, code, action):
    if action not in FORMS:
        raise Http404
    petition = selectors.get_for_official(request.user, code)
    kwargs = {"petition": petition} if action in NEEDS_PETITION else {}
    form = FORMS[action](request.POST, prefix=action, **kwargs)
    if form.is_valid():
        try:
            getattr(services, action)(request.user, petition, **form.service_kwargs())
        except NotFound:
            raise
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, DONE[action] % {"code": petition.code})
            if selectors.for_official(request.user).filter(pk=petition.pk).exists():
                return redirect(reverse("backoffice:petition", args=[petition.code]))
            return redirect("backoffice:petitions")
    if action not in services.offered(request.user, petition):
        messages.error(request, str(form.non_field_errors()[0]) if form.non_field_errors()
                       else _("Không thể “%(action)s” lúc này.")
                       % {"action": ACTION_LABELS[action]})
        return redirect(reverse("backoffice:petition", args=[petition.code]))
    return _detail(request, petition, bound=(action, form), status=400)
