"""`tinhso document_axis --port 8250`: the national document exchange axis's simulator."""

from django.conf import settings
from django.core.management import BaseCommand, CommandError

from tinhso.integrations.document_axis.simulator import MAX_PACKAGE, ORGAN, make_server
from tinhso.integrations.simulators import serve


class Command(BaseCommand):
    help = ("Chạy trục liên thông văn bản quốc gia giả lập (hộp thư theo mã định danh cơ quan: "
            "gửi, nhận, tải, xác nhận gói tin edXML), cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8250)
        parser.add_argument("--max-bytes", type=int, default=MAX_PACKAGE,
                            help="Kích thước tối đa của một gói tin (byte).")
        parser.add_argument("--agency", action="append", default=[], metavar="MÃ=TÊN",
                            help="Cơ quan đăng ký sẵn trên trục (lặp lại được).")

    def handle(self, *args, host, port, max_bytes, agency, **options):
        agencies = {}
        for item in agency:
            organ, _, name = item.partition("=")
            if not ORGAN.match(organ.strip()) or not name.strip():
                raise CommandError(f"--agency cần dạng MÃ=TÊN, không phải {item!r}.")
            agencies[organ.strip()] = name.strip()
        server = make_server(host, port, settings.TINHSO_DOCUMENT_AXIS_TOKEN,
                             max_package=max_bytes, agencies=agencies)
        serve(server, self.stdout.write,
              f"Trục liên thông văn bản quốc gia giả lập: http://{host}:{port}/ "
              f"(gói tin tối đa {max_bytes} byte)")
