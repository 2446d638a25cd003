"""tinhso edxml_read FILE: an edXML package as JSON (the contract is in docs/edxml.md).

Exit 0 with the JSON whatever the signature's verdict and whatever rule of edXML the package
breaks (both are in the JSON: `signature`, `problems`); exit 2 with the reason in Vietnamese
on stderr only when there is no package to read (not well-formed XML, not edXML, over the
size limit); exit 1 when the file cannot be read.
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.documents.edxml import MAX_BYTES, EdxmlError, parse
from tinhso.documents.edxml.jsonview import as_json

REFUSED = 2


class Command(BaseCommand):
    help = "Đọc một gói tin edXML và in nội dung chính cùng kết quả kiểm tra chữ ký dạng JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp gói tin edXML")
        parser.add_argument("--pretty", action="store_true", help="in JSON thụt lề cho dễ đọc")
        parser.add_argument("--max-bytes", type=int, default=MAX_BYTES,
                            help=f"kích thước tối đa của gói tin (mặc định {MAX_BYTES} byte)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            size = path.stat().st_size
            # An oversized file is refused on its size, before it is read into memory.
            data = b"" if size > options["max_bytes"] else path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror}.") from None
        try:
            if size > options["max_bytes"]:
                raise EdxmlError(f"Gói tin {size} byte vượt giới hạn {options['max_bytes']} "
                                 "byte.", code="too_large")
            package = parse(data, max_bytes=options["max_bytes"], lenient=True)
        except EdxmlError as exc:
            self.stderr.write(f"Gói tin bị từ chối ({exc.code}): {exc.message}")
            self.stderr.flush()
            sys.exit(REFUSED)
        for code, reason in package.problems:
            self.stderr.write(f"Gói tin có lỗi ({code}): {reason}")
        indent = 2 if options["pretty"] else None
        self.stdout.write(json.dumps(as_json(package), ensure_ascii=False, indent=indent))
