"""`tinhso catalogue_provider`: the shared catalogue provider behind the LGSP gateway."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy dịch vụ danh mục dùng chung (đơn vị hành chính, cơ quan, quốc tịch)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8220)

    def handle(self, *args, **options):
        from tinhso.exchange.catalogues import run

        self.stdout.write(f"Danh mục dùng chung: http://{options['host']}:{options['port']}/")
        self.stdout.flush()
        run(options["host"], options["port"])
