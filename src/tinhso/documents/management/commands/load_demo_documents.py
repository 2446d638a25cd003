"""`tinhso load_demo_documents`: the demo agencies' official documents (run by load_demo,
after make_demo_pki so that the leaders sign and the agencies seal for real)."""

import time

from django.core.management.base import BaseCommand

from tinhso.documents.demo import load_demo_documents


class Command(BaseCommand):
    help = "Nạp văn bản đi, văn bản đến mẫu cho các cơ quan mẫu (chạy lại không tạo thêm)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        made = load_demo_documents()
        if made:
            self.stdout.write(f"Văn bản mẫu: {made} văn bản đi và đến "
                              f"({time.perf_counter() - started:.1f} s).")
        else:
            self.stdout.write("Đã có văn bản mẫu (hoặc chưa có cơ quan mẫu): không tạo thêm.")
