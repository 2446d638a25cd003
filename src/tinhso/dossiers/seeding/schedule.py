"""When dossiers arrive: how many per working day, and at what time of day."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

US = 1_000_000


def daily_counts(cal, first: date, last: date, count: int) -> list[tuple[date, int]]:
    """`count` dossiers over the working days first..last, growing a little over the period
    and quieter in the Tết month; exact total by largest remainders."""
    days = []
    day = first
    while day <= last:
        if cal.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    if not days:
        return []
    weights = [(0.85 + 0.3 * i / len(days)) * (0.8 if d.month == 2 else 1.0)
               for i, d in enumerate(days)]
    scale = count / sum(weights)
    exact = [w * scale for w in weights]
    counts = [int(x) for x in exact]
    rest = count - sum(counts)
    by_fraction = sorted(range(len(days)), key=lambda i: exact[i] - counts[i], reverse=True)
    for i in by_fraction[:rest]:
        counts[i] += 1
    return [(d, n) for d, n in zip(days, counts, strict=True) if n]


class Clock:
    """Submission instants: office hours with a morning peak; some online ones in the evening."""

    def __init__(self, cal):
        self.tz = cal.tz
        intervals = cal.office_hours.intervals
        self.intervals = intervals
        # The first (morning) interval draws more people than its length alone would.
        self.cum = []
        acc = 0.0
        for i, (start, end) in enumerate(intervals):
            acc += (end - start) * (1.6 if i == 0 else 1.0)
            self.cum.append(acc)

    def instant(self, rng: random.Random, day: date, online: bool) -> datetime:
        if online and rng.random() < 0.07:
            tod = rng.uniform(17 * 3600, 22.5 * 3600)
        else:
            pick = rng.random() * self.cum[-1]
            start, end = next(iv for iv, c in zip(self.intervals, self.cum, strict=True)
                              if pick < c)
            start, end = start / US, end / US
            tod = rng.triangular(start, end, start + 0.3 * (end - start))
        base = datetime(day.year, day.month, day.day, tzinfo=self.tz)
        return base + timedelta(seconds=int(tod))
