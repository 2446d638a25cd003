"""`tinhso document_exchange --every 2`: the exchange axis's worker (documents.exchange_axis):
send issued documents and the statuses owed, and take in every agency's mailbox."""

import time

from django.core.management import BaseCommand, CommandError
from django.db import close_old_connections

from tinhso.core import locks
from tinhso.documents import exchange_axis
from tinhso.documents.axis_port import AxisError, axis

BACKOFF_MAX = 60.0


class Command(BaseCommand):
    help = ("Trục liên thông văn bản: gửi văn bản đã phát hành và các trạng thái tới cơ quan "
            "ngoài tỉnh, nhận văn bản và trạng thái về hộp thư của từng cơ quan; chạy một "
            "lần, hoặc lặp lại với --every.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=None,
                            help="chạy liên tục, nghỉ chừng này giây giữa hai lượt")
        parser.add_argument("--register", action="store_true",
                            help="trước hết đăng ký mọi cơ quan của tỉnh trên trục")

    def handle(self, *args, every, register, **options):
        if not locks.hold_for_process(locks.DOCUMENT_EXCHANGE):
            raise CommandError("Đã có một tiến trình trục liên thông văn bản khác đang chạy.")
        target = axis()
        if register:
            try:
                count = exchange_axis.register_agencies(target)
            except AxisError as error:
                raise CommandError(error.message) from None
            self.stdout.write(f"Đã đăng ký {count} cơ quan trên trục liên thông.")
        pause = every or 0
        while True:
            report = exchange_axis.run_pass(target)
            self._report(report)
            if every is None:
                if report.unavailable:
                    raise CommandError(report.unavailable)
                return
            close_old_connections()
            # Back off while the axis is down, up to a minute; else the usual pause.
            pause = min(max(pause * 2, every), BACKOFF_MAX) if report.unavailable else every
            time.sleep(pause)

    def _report(self, r: exchange_axis.Report) -> None:
        if r.sent or r.statuses or r.received:
            self.stdout.write(f"Trục liên thông: gửi {r.sent} văn bản, {r.statuses} trạng "
                              f"thái; nhận {r.received}.")
        for line in r.refused[:5]:
            self.stderr.write(f"  Từ chối: {line}")
        if r.unavailable:
            self.stderr.write(f"Trục liên thông chưa sẵn sàng: {r.unavailable}")
