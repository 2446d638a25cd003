"""`tinhso population_registry --port 8210`: the national population database's simulator."""

from django.conf import settings
from django.core.management import BaseCommand

from tinhso.integrations.population.simulator import make_server
from tinhso.integrations.simulators import serve


class Command(BaseCommand):
    help = ("Chạy CSDL quốc gia về dân cư giả lập (tra cứu công dân theo số định danh cá nhân, "
            "POST /v1/citizens/lookup), cho bản chạy thử và kiểm thử.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8210)

    def handle(self, *args, host, port, **options):
        server = make_server(host, port, settings.TINHSO_POPULATION_TOKEN)
        serve(server, self.stdout.write, f"CSDL quốc gia về dân cư giả lập: http://{host}:{port}/")
