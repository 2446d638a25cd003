"""The LGSP operator's pages (/lgsp/): member systems, their services, client credentials,
access rights and the message log. Thin: reads go through exchange.selectors, every change
through exchange.services (checked and audited there); a refusal is shown on its form."""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tinhso.core.errors import DomainError
from tinhso.exchange import selectors, services

from ..access import operator_required
from ..lgsp_forms import (
    CredentialForm,
    GrantForm,
    LogFilterForm,
    ServiceEditForm,
    ServiceForm,
    SystemEditForm,
    SystemForm,
    show_refusal,
)

LOG_PAGE_SIZE = 25


def _get(select, pk):
    try:
        return select(pk)
    except ObjectDoesNotExist:
        raise Http404 from None


def _page(request, template, context, status=200):
    return render(request, f"lgsp/{template}", context, status=status)


def _attempt(form, change) -> bool:
    """Run a service call for a valid form; its refusal goes on the form."""
    if not form.is_valid():
        return False
    try:
        change(form.cleaned_data)
    except DomainError as exc:
        show_refusal(form, exc)
        return False
    return True


# --- Member systems.

@operator_required
def systems(request):
    return _page(request, "systems.html", {"systems": selectors.systems()})


@operator_required
def system_new(request):
    form = SystemForm(request.POST or None)
    created = {}

    def register(data):
        created["system"] = services.register_system(request.user, **data)

    if request.method == "POST" and _attempt(form, register):
        system = created["system"]
        messages.success(request, _("Đã đăng ký hệ thống %(id)s.") % {"id": system.identifier})
        return redirect("lgsp:system", system.pk)
    return _page(request, "system_new.html", {"form": form},
                 status=400 if form.errors else 200)


def _system_page(request, system, *, edit=None, credential=None, status=200):
    return _page(request, "system.html", {
        "system": system,
        "edit": edit or SystemEditForm(prefix="edit", initial={
            "name": system.name, "is_active": system.is_active}),
        "credential_form": credential or CredentialForm(prefix="key"),
        "services": selectors.services_of(system),
        "credentials": selectors.credentials_of(system),
        "rights": selectors.rights_of_client(system),
    }, status=status)


@operator_required
def system_detail(request, pk):
    system = _get(selectors.system, pk)
    if request.method != "POST":
        return _system_page(request, system)
    form = SystemEditForm(request.POST, prefix="edit")
    if _attempt(form, lambda data: services.update_system(request.user, system, **data)):
        messages.success(request, _("Đã lưu hệ thống %(id)s.") % {"id": system.identifier})
        return redirect("lgsp:system", system.pk)
    return _system_page(request, system, edit=form, status=400)


@operator_required
@require_POST
def credential_add(request, pk):
    system = _get(selectors.system, pk)
    form = CredentialForm(request.POST, prefix="key")
    if _attempt(form, lambda data: services.add_credential(request.user, system, **data)):
        messages.success(request, _("Đã thêm khóa công khai cho %(id)s.")
                         % {"id": system.identifier})
        return redirect(reverse("lgsp:system", args=[system.pk]) + "#credentials")
    return _system_page(request, system, credential=form, status=400)


@operator_required
@require_POST
def credential_revoke(request, pk):
    credential = _get(selectors.credential, pk)
    services.revoke_credential(request.user, credential)
    messages.success(request, _("Đã thu hồi khóa #%(n)s của %(id)s.")
                     % {"n": credential.pk, "id": credential.system.identifier})
    return redirect(reverse("lgsp:system", args=[credential.system_id]) + "#credentials")


# --- Services.

@operator_required
def service_new(request, pk):
    provider = _get(selectors.system, pk)
    form = ServiceForm(request.POST or None)
    created = {}

    def register(data):
        created["service"] = services.register_service(request.user, provider=provider,
                                                       **data)

    if request.method == "POST" and _attempt(form, register):
        service = created["service"]
        messages.success(request, _("Đã đăng ký dịch vụ %(id)s.") % {"id": service.identifier})
        return redirect("lgsp:service", service.pk)
    return _page(request, "service_form.html", {"form": form, "provider": provider},
                 status=400 if form.errors else 200)


def _service_page(request, service, *, grant=None, status=200):
    return _page(request, "service.html", {
        "service": service, "rights": selectors.rights_on(service),
        "grant_form": grant or GrantForm(prefix="grant"),
    }, status=status)


@operator_required
def service_detail(request, pk):
    return _service_page(request, _get(selectors.service, pk))


@operator_required
def service_edit(request, pk):
    service = _get(selectors.service, pk)
    initial = {name: getattr(service, name) for name in ServiceEditForm.names}
    form = ServiceEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and _attempt(
            form, lambda data: services.update_service(request.user, service, **data)):
        messages.success(request, _("Đã lưu dịch vụ %(id)s.") % {"id": service.identifier})
        return redirect("lgsp:service", service.pk)
    return _page(request, "service_form.html", {
        "form": form, "provider": service.provider, "service": service,
    }, status=400 if form.errors else 200)


@operator_required
@require_POST
def service_active(request, pk):
    service = _get(selectors.service, pk)
    active = request.POST.get("active") == "1"
    services.update_service(request.user, service, is_active=active)
    messages.success(request, (_("Đã mở lại dịch vụ %(id)s.") if active else
                               _("Đã ngừng dịch vụ %(id)s: cổng từ chối mọi yêu cầu tới nó."))
                     % {"id": service.identifier})
    return redirect("lgsp:service", service.pk)


# --- Access rights.

@operator_required
@require_POST
def grant(request, pk):
    service = _get(selectors.service, pk)
    form = GrantForm(request.POST, prefix="grant")
    if _attempt(form, lambda data: services.grant(request.user, service=service, **data)):
        messages.success(request, _("Đã cấp quyền cho %(c)s gọi %(s)s.")
                         % {"c": form.cleaned_data["client"].identifier,
                            "s": service.identifier})
        return redirect(reverse("lgsp:service", args=[service.pk]) + "#rights")
    return _service_page(request, service, grant=form, status=400)


@operator_required
@require_POST
def revoke(request, pk):
    right = _get(selectors.right, pk)
    services.revoke(request.user, right)
    messages.success(request, _("Đã thu hồi quyền của %(c)s với %(s)s.")
                     % {"c": right.client.identifier, "s": right.service.identifier})
    back = request.POST.get("back") == "client"
    target = ("lgsp:system", right.client_id) if back else ("lgsp:service", right.service_id)
    return redirect(reverse(target[0], args=[target[1]]) + "#rights")


# --- The message log.

def _cursor(value) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 18 else None


@operator_required
def message_log(request):
    form = LogFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    if form.is_bound and form.errors:  # a filter that cannot be read shows nothing
        page = selectors.LogPage([], None, None)
    else:
        page = selectors.log_page(**filters, before=_cursor(request.GET.get("before")),
                                  after=_cursor(request.GET.get("after")),
                                  size=LOG_PAGE_SIZE)
    query = request.GET.copy()
    for key in ("before", "after"):
        query.pop(key, None)
    return _page(request, "log.html", {
        "form": form, "page": page, "query": query.urlencode(), "filtered": bool(filters),
    }, status=400 if form.errors else 200)
