"""`tinhso document_reminders`: per agency, incoming documents due within two working days
and overdue ones (what the back office's "sắp đến hạn" and "quá hạn" queues show), for an
operator's daily report or a scheduler. Exit status 1 when any is overdue."""

from django.core.management.base import BaseCommand

from tinhso.documents.selectors import reminders


class Command(BaseCommand):
    help = "Liệt kê văn bản đến sắp đến hạn và quá hạn xử lý của từng cơ quan."

    def handle(self, *args, **options):
        rows = reminders()
        if not rows:
            self.stdout.write("Không có văn bản đến sắp đến hạn hoặc quá hạn.")
            return
        for row in rows:
            self.stdout.write(f"{row['agency__name']}: {row['due_soon']} sắp đến hạn, "
                              f"{row['overdue']} quá hạn")
        if any(row["overdue"] for row in rows):
            raise SystemExit(1)
