"""The public verification page (/verify/): no sign-in. A code (from the QR code on a signed
file) shows that file's verdict, who signed it and when, and the stored file; an uploaded copy
gets its own verdict and whether it is a file the province issued. signing.verification
answers; this module only reads the request and picks the page."""

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from tinhso.dossiers import uploads
from tinhso.signing import codes, verification

from .. import throttle
from ..forms import VerifyCodeForm, VerifyUploadForm

TOO_MANY = _("Bạn đã kiểm tra quá nhiều lần. Vui lòng thử lại sau ít phút.")
UNKNOWN = _("Không tìm thấy văn bản nào có mã tra cứu “%(code)s”. Vui lòng kiểm tra lại mã in "
            "trên văn bản (10 ký tự, gồm chữ và số).")
# A multipart body carries a few hundred bytes around the file itself.
ENVELOPE_BYTES = 64 * 1024


def _page(request, *, code_form=None, upload_form=None, check=None, status=200, **extra):
    return render(request, "portal/verify.html", {
        "code_form": code_form or VerifyCodeForm(),
        "upload_form": upload_form or VerifyUploadForm(),
        "check": check,
        "signatures": verification.signature_rows(check.verdict) if check else [],
        **extra}, status=status)


def index(request):
    """GET: the two ways to check; POST: an uploaded copy checked; ?code= goes to its page."""
    if request.method == "GET" and "code" in request.GET:
        form = VerifyCodeForm(request.GET)
        if form.is_valid():
            code = codes.normalise(form.cleaned_data["code"])
            if code:
                return redirect("verify:code", code=code)
            form.add_error("code", UNKNOWN % {"code": form.cleaned_data["code"][:40]})
        return _page(request, code_form=form, status=400)
    if request.method != "POST":
        return _page(request)
    # Refused before the body is read: a huge upload is not spooled to disk to be refused.
    if int(request.META.get("CONTENT_LENGTH") or 0) > uploads.max_bytes() + ENVELOPE_BYTES:
        return _page(request, status=413, upload_error=_("Tệp quá lớn (tối đa %(mb)s MB).")
                     % {"mb": uploads.max_mb_label()})
    form = VerifyUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, upload_form=form, status=400)
    if not throttle.allow(request, "verify-upload"):
        form.add_error(None, TOO_MANY)
        return _page(request, upload_form=form, status=429)
    check = verification.check_upload(form.cleaned_data["document"])
    return _page(request, check=check, uploaded=True)


def code(request, code):
    """The page a signed file's QR code opens."""
    document = verification.by_code(code)
    if document is None:
        # Unknown codes count against the address: codes are not to be found by trying.
        status = 404 if throttle.allow(request, "verify-code") else 429
        form = VerifyCodeForm({"code": code[:40]})
        form.is_valid()  # bound, so that it can carry the page's message
        form.add_error(None, TOO_MANY if status == 429 else UNKNOWN % {"code": code[:40]})
        return _page(request, code_form=form, status=status)
    if document.code != code:  # typed leniently: the page's address is the code as issued
        return redirect("verify:code", code=document.code)
    check = verification.check_issued(document)
    return render(request, "portal/verify_document.html", {
        "check": check, "document": document,
        "signatures": verification.signature_rows(check.verdict)})


def document_file(request, code):
    """The stored signed file, as issued."""
    document = verification.by_code(code)
    if document is None or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=f"{document.code}.pdf",
                        content_type="application/pdf")
