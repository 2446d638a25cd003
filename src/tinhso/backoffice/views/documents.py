"""Official documents in the back office: outgoing and incoming lists with their queues, the
drafting and receiving forms, one document with its files, actions and history, search.
Thin: reads go through documents.selectors, changes through documents.services."""

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError, NotFound
from tinhso.documents import files, policy, selectors, services
from tinhso.documents.models import Document, Status

from ..access import official_required
from ..document_forms import ACTIONS, DraftForm, IncomingForm
from .common import render_page

OUTGOING_LABELS = {
    "": gettext_lazy("Tất cả"),
    "drafts": gettext_lazy("Dự thảo"),
    "in_review": gettext_lazy("Đang trình duyệt"),
    "to_sign": gettext_lazy("Chờ ký, đóng dấu, phát hành"),
    "issued": gettext_lazy("Đã phát hành"),
    "recalled": gettext_lazy("Đã thu hồi"),
}
INCOMING_LABELS = {
    "": gettext_lazy("Tất cả"),
    "to_register": gettext_lazy("Chờ vào sổ"),
    "to_direct": gettext_lazy("Chờ chỉ đạo"),
    "to_assign": gettext_lazy("Chờ giao xử lý"),
    "in_progress": gettext_lazy("Đang xử lý"),
    "mine": gettext_lazy("Giao cho tôi"),
    "due_soon": gettext_lazy("Sắp đến hạn (2 ngày làm việc)"),
    "overdue": gettext_lazy("Quá hạn"),
    "completed": gettext_lazy("Đã xử lý xong"),
}
DONE = {
    "submit": gettext_lazy("Đã trình thẩm định."),
    "review": gettext_lazy("Đã thẩm định, trình lãnh đạo duyệt."),
    "approve": gettext_lazy("Đã duyệt văn bản."),
    "send_back": gettext_lazy("Đã trả lại để sửa."),
    "revise": gettext_lazy("Đã lưu phiên bản mới của dự thảo."),
    "sign": gettext_lazy("Đã ký số văn bản."),
    "seal": gettext_lazy("Đã đóng dấu số của cơ quan."),
    "issue": gettext_lazy("Đã phát hành văn bản số %(notation)s."),
    "recall": gettext_lazy("Đã thu hồi văn bản."),
    "update_recipients": gettext_lazy("Đã cập nhật nơi nhận."),
    "register": gettext_lazy("Đã vào sổ văn bản đến, số đến %(number)s."),
    "direct": gettext_lazy("Đã lưu ý kiến chỉ đạo."),
    "assign": gettext_lazy("Đã giao xử lý."),
    "complete": gettext_lazy("Đã hoàn thành xử lý văn bản."),
}


def _list(request, direction):
    user = request.user
    labels = OUTGOING_LABELS if direction == "out" else INCOMING_LABELS
    queue = request.GET.get("queue", "")
    if queue not in labels:
        queue = ""
    before = request.GET.get("before")
    if direction == "out":
        rows, next_key = selectors.outgoing(user, queue=queue, before=before)
        counts = selectors.outgoing_counts(user)
    else:
        rows, next_key = selectors.incoming(user, queue=queue, before=before)
        counts = selectors.incoming_counts(user)
    return render_page(request, "backoffice/documents/list.html", {
        "direction": direction, "rows": rows, "next_key": next_key, "queue": queue,
        "queue_label": labels[queue], "first_page": not before,
        "queues": [{"queue": q, "label": labels[q], "count": counts.get(q)}
                   for q in labels if q],
        "may_draft": policy.may_draft(user), "may_receive": policy.may_receive(user),
        "agency": user.agency, "province_wide": user.is_province_wide,
    })


@official_required
def outgoing_list(request):
    return _list(request, "out")


@official_required
def incoming_list(request):
    return _list(request, "in")


def _fail(form, exc: DomainError):
    form.add_error(None, str(exc.message))


@official_required
def new_draft(request):
    user = request.user
    response_for = None
    if request.GET.get("reply_to") or request.POST.get("reply_to"):
        response_for = selectors.get_for_official(
            user, request.GET.get("reply_to") or request.POST.get("reply_to"))
    form = DraftForm(request.POST or None, request.FILES or None, agency=user.agency)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.create_draft(user, form.draft_input(response_for))
        except NotFound:
            raise
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("backoffice:document", document.pk)
    return render_page(request, "backoffice/documents/form.html", {
        "form": form, "title": _("Soạn văn bản đi"), "response_for": response_for,
        "submit_label": _("Lưu dự thảo"), "form_id": "draft-form",
    }, status=400 if form.is_bound and form.errors else 200)


@official_required
def receive(request):
    form = IncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.receive(request.user, form.incoming_input())
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã tiếp nhận văn bản đến, chờ vào sổ."))
            return redirect("backoffice:document", document.pk)
    return render_page(request, "backoffice/documents/form.html", {
        "form": form, "title": _("Tiếp nhận văn bản đến"), "submit_label": _("Tiếp nhận"),
        "form_id": "incoming-form",
    }, status=400 if form.is_bound and form.errors else 200)


def _action_forms(request, document, bound=None):
    out = []
    for action in policy.offered(request.user, document):
        if action == "reply":
            continue
        cls, needs_document, label, button = ACTIONS[action]
        kwargs = {"document": document} if needs_document else {}
        form = bound[1] if bound and bound[0] == action else cls(prefix=action, **kwargs)
        out.append({"action": action, "label": label, "button": button, "form": form,
                    "danger": action in ("send_back", "recall"),
                    "multipart": action == "revise"})
    return out


def _detail(request, document, bound=None, status=200):
    return render_page(request, "backoffice/documents/detail.html", {
        "document": document, "files": selectors.files_of(document),
        "events": selectors.history(document),
        "recipients": document.recipients.select_related("delivered")
        if document.is_outgoing else [],
        "actions": _action_forms(request, document, bound),
        "may_reply": policy.may(request.user, document, "reply"),
        "responses": document.responses.only("pk", "notation", "subject", "status"),
        "open_statuses": (Status.ASSIGNED,),
    }, status=status)


@official_required
def detail(request, pk):
    return _detail(request, selectors.get_for_official(request.user, pk))


@official_required
@require_POST
def act(request, pk, action):
    if action not in ACTIONS:
        raise Http404
    document = selectors.get_for_official(request.user, pk)
    cls, needs_document, label, _button = ACTIONS[action]
    kwargs = {"document": document} if needs_document else {}
    form = cls(request.POST, request.FILES or None, prefix=action, **kwargs)
    if form.is_valid():
        try:
            document = getattr(services, action)(request.user, document, **form.kwargs())
        except NotFound:
            raise
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, DONE[action] % {"notation": document.notation,
                                                      "number": document.number})
            return redirect("backoffice:document", document.pk)
    if action not in policy.offered(request.user, document):
        errors = form.non_field_errors()
        messages.error(request, str(errors[0]) if errors else
                       _("Không thể “%(action)s” lúc này.") % {"action": label})
        return redirect("backoffice:document", document.pk)
    return _detail(request, document, bound=(action, form), status=400)


@official_required
def document_file(request, pk, file_pk):
    document = selectors.get_for_official(request.user, pk)
    row = document.files.filter(pk=file_pk).first()
    if row is None:
        raise Http404
    try:
        data = files.read(row)
    except DomainError as exc:  # changed on disk since it was stored: never served
        return HttpResponse(str(exc.message), status=409, content_type="text/plain")
    return FileResponse(ContentFile(data), filename=row.name,
                        as_attachment=not files.is_pdf(data))


@official_required
def search(request):
    q = (request.GET.get("q") or "").strip()
    direction = request.GET.get("direction", "")
    if direction not in (Document.Direction.OUTGOING, Document.Direction.INCOMING):
        direction = ""
    rows, next_key = selectors.search(request.user, q, direction=direction,
                                      before=request.GET.get("before")) if q else ([], None)
    return render_page(request, "backoffice/documents/search.html", {
        "q": q, "direction": direction, "rows": rows, "next_key": next_key,
        "too_short": bool(q) and len(q) < selectors.SEARCH_MIN,
        "first_page": not request.GET.get("before"),
    })

