"""Realistic dossiers in bulk, moved through the same state machine as real ones.

`seed(20_000)` adds a year of dossiers to whatever province is loaded (agencies and published
procedures with process templates must exist). Journeys are simulated day by day from a
seeded RNG and written in batches, so memory stays flat however many are asked for.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.calendar import get_calendar

from ..models import Channel, CodeCounter, Dossier, DossierComponent, DossierEvent
from ..timeliness import Timeliness, classify
from .catalogue import NothingToSeed, load_province
from .journey import Journey, Simulator
from .schedule import Clock, daily_counts
from .writer import Writer

__all__ = ["NothingToSeed", "SeedReport", "analyze", "judge", "seed"]


@dataclass
class SeedReport:
    count: int = 0
    seconds: float = 0.0
    by_status: Counter = field(default_factory=Counter)
    on_time: int = 0
    judged: int = 0  # dossiers the on-time rule counts over the seeded period
    online: int = 0
    supplemented: int = 0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def on_time_share(self) -> float:
        return self.on_time / self.judged if self.judged else 0.0


def judge(j: Journey, first: date, now: datetime, cal) -> Timeliness:
    return classify(j.dossier, first, now, cal)


def seed(count: int, months: int = 12, seed: int = 42, *, agency: str | None = None,
         now: datetime | None = None, batch_size: int = 5000,
         progress: Callable[[SeedReport], None] | None = None) -> SeedReport:
    """Add `count` dossiers submitted over the last `months` months (up to yesterday)."""
    now = now or timezone.now()
    cal = get_calendar()
    province = load_province(seed, agency)
    simulator = Simulator(province, cal, now)
    clock = Clock(cal)
    writer = Writer()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not secrets
    local_today = now.astimezone(cal.tz).date()
    first = local_today - timedelta(days=round(months * 30.4375))
    report = SeedReport()
    started = time.perf_counter()
    batch: list[Journey] = []

    def flush():
        writer.write(batch)
        for j in batch:
            _tally(report, j, first, now, cal)
        batch.clear()
        report.seconds = time.perf_counter() - started
        if progress:
            progress(report)

    schedule = daily_counts(cal, first, local_today - timedelta(days=1), count)
    if count > 0 and not schedule:
        raise NothingToSeed(_("Không có ngày làm việc nào trong khoảng thời gian đã chọn."))
    for day, n in schedule:
        arrivals = []
        for _i in range(n):
            plan, offering, channel = simulator.choose(rng)
            at = clock.instant(rng, day, channel == Channel.ONLINE)
            arrivals.append((at, plan, offering, channel))
        arrivals.sort(key=lambda a: a[0])
        for at, plan, offering, channel in arrivals:
            batch.append(simulator.journey(rng, plan, offering, channel, at, day))
            if len(batch) >= batch_size:
                flush()
    if batch:
        flush()
    report.seconds = time.perf_counter() - started
    return report


def analyze() -> None:
    """Refresh the planner's statistics after a bulk load, or PostgreSQL plans as if empty."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Dossier, DossierEvent, DossierComponent, CodeCounter):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _tally(report: SeedReport, j: Journey, first: date, now: datetime, cal) -> None:
    d = j.dossier
    report.count += 1
    report.by_status[d.status] += 1
    report.online += d.channel == Channel.ONLINE
    report.supplemented += d.supplement_count > 0
    verdict = judge(j, first, now, cal)
    if verdict != Timeliness.NOT_COUNTED:
        report.judged += 1
        report.on_time += verdict in (Timeliness.ON_TIME, Timeliness.OPEN_ON_TIME)
