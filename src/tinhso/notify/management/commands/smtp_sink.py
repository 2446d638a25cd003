"""`tinhso smtp_sink --port 8025`: the demo's SMTP server that keeps messages (notify.mailsink)."""

import signal
import threading
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from tinhso.notify import mailsink


class Command(BaseCommand):
    help = ("Máy chủ SMTP giả lập cho bản chạy thử: nhận thư và lưu vào thư mục (mặc định "
            "var/mail/), xem tại /dev/mail/.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8025)
        parser.add_argument("--dir", dest="folder", default=None,
                            help="thư mục lưu thư (mặc định TINHSO_MAIL_SINK_DIR)")

    def handle(self, *args, host, port, folder, **options):
        folder = Path(folder or settings.TINHSO_MAIL_SINK_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        controller = mailsink.start(folder, host=host, port=port)
        self.stdout.write(f"smtp_sink: smtp://{host}:{port} → {folder}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
