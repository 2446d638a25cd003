"""`tinhso sync_national_portal --every 2`: send every dossier change to the national portal,
and finished dossiers' papers and results to the personal e-data store on it."""

import time

from django.core.management import BaseCommand, CommandError
from django.db import close_old_connections

from tinhso.dossiers import edata_sync, portal_sync

BACKOFF_MAX = 60.0
STORE_PASS_EVERY = 30.0  # a new pass over the e-data store's backlog, at most this often


class Command(BaseCommand):
    help = ("Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia: gửi mọi hồ sơ có thay đổi chưa được "
            "Cổng xác nhận, rồi các bước xử lý; chạy một lần, hoặc lặp lại với --every.")

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=None,
                            help="chạy liên tục, nghỉ chừng này giây khi không còn gì để gửi")
        parser.add_argument("--batch", type=int, default=portal_sync.BATCH)
        parser.add_argument("--status", action="store_true",
                            help="chỉ in số hồ sơ theo trạng thái đồng bộ và các lỗi gần nhất")

    def handle(self, *args, every, batch, status, **options):
        if status:
            return self._status()
        if not portal_sync.sender_lock():
            raise CommandError("Đã có một tiến trình đồng bộ khác đang chạy.")
        target = portal_sync.portal()
        self.store, self.store_after, self.store_resume = edata_sync.store(), 0, 0.0
        pause = every or 0
        if every is None:  # once: the store's backlog, then the portal's below
            while self._store_batch(every):
                pass
        while True:
            report = portal_sync.sync_batch(target, limit=batch)
            self._report(report)
            if every is None:
                if report.unavailable:
                    raise CommandError(report.unavailable)
                if report.sent + report.failed + report.stale < batch:
                    return
                continue
            close_old_connections()
            store_owed_more = self._store_batch(every)
            if report.unavailable:  # back off while the portal is down, up to a minute
                pause = min(max(pause * 2, every), BACKOFF_MAX)
                time.sleep(pause)
            elif report.sent + report.failed + report.stale < batch and not store_owed_more:
                pause = every
                time.sleep(every)

    def _store_batch(self, every) -> bool:
        """One batch of the e-data store's pass; whether the pass goes on."""
        if time.monotonic() < self.store_resume:
            return False
        r = edata_sync.push_batch(self.store, after=self.store_after)
        if r.sent or r.refused:
            self.stdout.write(f"Kho dữ liệu điện tử: đã nhận {r.sent} hồ sơ; "
                              f"từ chối {len(r.refused)}.")
        for code, reason in r.refused[:5]:  # refused ones come back every pass: a sample
            self.stderr.write(f"  {code}: {reason}")
        if r.unavailable:
            self.stderr.write(f"Kho dữ liệu điện tử chưa sẵn sàng: {r.unavailable}")
            if every is None:
                raise CommandError(r.unavailable)
            self.store_after, self.store_resume = 0, time.monotonic() + BACKOFF_MAX
            return False
        more = r.read == edata_sync.BATCH
        self.store_after = r.last_id if more else 0
        if not more:  # the pass is over: what the store refused waits for the next one
            self.store_resume = time.monotonic() + (STORE_PASS_EVERY if every else 0)
        return more

    def _report(self, r):
        if r.unavailable:
            self.stderr.write(f"Cổng DVC quốc gia chưa sẵn sàng: {r.unavailable}")
        elif r.sent or r.failed or r.stale:
            self.stdout.write(f"Đã đồng bộ {r.sent} hồ sơ, {r.progress} bước xử lý; "
                              f"bị từ chối {r.failed}; thay đổi trong lúc gửi {r.stale}.")
        for code, reason in r.failures:
            self.stderr.write(f"  {code}: {reason}")

    def _status(self):
        from tinhso.dossiers.models import Dossier, SyncState

        for state, n in portal_sync.status_counts().items():
            self.stdout.write(f"{SyncState(state).label}: {n:,}")
        for code, error in (Dossier.objects.exclude(sync_state=SyncState.SYNCED)
                            .exclude(sync_error="").order_by("-id")
                            .values_list("code", "sync_error")[:20]):
            self.stdout.write(f"  {code}: {error}")
