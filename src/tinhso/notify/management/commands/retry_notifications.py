"""`tinhso retry_notifications`: queue again what the worker never sent (run it from cron)."""

from datetime import timedelta

from django.core.management import BaseCommand
from django.utils import timezone

from ...tasks import requeue_notifications


class Command(BaseCommand):
    help = ("Đưa lại vào hàng đợi các thông báo chưa gửi được (ví dụ khi tiến trình nền bị "
            "dừng). Chạy định kỳ bằng cron.")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=15, metavar="PHÚT",
                            help="Chỉ lấy thông báo quá hạn gửi lại từ bấy nhiêu phút "
                                 "(mặc định 15).")
        parser.add_argument("--include-failed", action="store_true",
                            help="Gửi lại cả thông báo đã hết số lần thử (sau khi sửa lỗi "
                                 "cổng thư/SMS).")

    def handle(self, *args, older_than, include_failed, **options):
        stale_before = timezone.now() - timedelta(minutes=older_than)
        count = requeue_notifications(stale_before=stale_before, include_failed=include_failed)
        self.stdout.write(f"Đã đưa {count} thông báo vào hàng đợi.")
