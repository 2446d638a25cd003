"""The public verification page, at signing.codes.VERIFY_PATH (the QR codes' address)."""

from django.urls import path

from .views import verify

app_name = "verify"

urlpatterns = [
    path("", verify.index, name="index"),
    path("<str:code>", verify.code, name="code"),
    path("<str:code>/file", verify.document_file, name="file"),
]
