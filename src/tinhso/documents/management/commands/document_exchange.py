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
        parser.add_argument("--only", choices=[exchange_axis.SEND, exchange_axis.RECEIVE],
                            default="", help="chỉ chiều gửi hoặc chiều nhận (mỗi chiều một "
                                             "tiến trình, khi cần nhanh hơn)")

    def handle(self, *args, every, register, only, **options):
        keys = {exchange_axis.SEND: [locks.DOCUMENT_EXCHANGE_SEND],
                exchange_axis.RECEIVE: [locks.DOCUMENT_EXCHANGE_RECEIVE]}.get(
            only, [locks.DOCUMENT_EXCHANGE_SEND, locks.DOCUMENT_EXCHANGE_RECEIVE])
        if not all(locks.hold_for_process(key) for key in keys):
            raise CommandError("Đã có một tiến trình trục liên thông văn bản khác đang chạy.")
        target = axis()
        pending_registration = register
        pause = every or 0
        while True:
            if pending_registration:  # the axis (or the gateway before it) may start later
                try:
                    count = exchange_axis.register_agencies(target)
                    self.stdout.write(f"Đã đăng ký {count} cơ quan trên trục liên thông.")
                    pending_registration = False
                except AxisError as error:
                    if every is None:
                        raise CommandError(error.message) from None
                    self.stderr.write(f"Trục liên thông chưa sẵn sàng: {error.message}")
            report = exchange_axis.run_pass(target, only=only) if not pending_registration else \
                exchange_axis.Report(unavailable="chưa đăng ký được các cơ quan")
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
