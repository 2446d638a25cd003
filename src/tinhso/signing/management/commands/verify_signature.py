"""`tinhso verify_signature FILE`: a PDF's or an XML document's signatures judged offline
against the configured trust, printed as JSON; exit status 0 only when valid."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.signing import services
from tinhso.signing.verdicts import Verdict


def as_dict(verdict: Verdict) -> dict:
    body = {"code": verdict.code, "message": verdict.message,
            "signer_name": verdict.signer_name, "organisation": verdict.organisation,
            "signing_time": verdict.signing_time.isoformat() if verdict.signing_time else None}
    if verdict.signatures:
        body["signatures"] = [as_dict(s) for s in verdict.signatures]
    return body


class Command(BaseCommand):
    help = ("Kiểm tra chữ ký số của một tệp PDF hoặc XML theo các chứng thư gốc đã cấu hình "
            "(không cần mạng); in kết quả dạng JSON, mã thoát 0 khi chữ ký hợp lệ.")

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {file}: {exc.strerror}") from None
        is_pdf = data.lstrip()[:5] == b"%PDF-"
        verdict = services.validate_pdf(data) if is_pdf else services.validate_xml(data)
        self.stdout.write(json.dumps(as_dict(verdict), ensure_ascii=False, indent=1))
        if not verdict.is_valid:
            raise SystemExit(1)
