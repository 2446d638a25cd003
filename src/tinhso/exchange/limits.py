"""The gateway's per-client token buckets and per-service circuit breakers; used from the
event loop only, so they need no locks."""

from __future__ import annotations

import time


class TokenBucket:
    __slots__ = ("at", "burst", "rate", "tokens")

    def __init__(self, rate: float, burst: int):
        self.rate, self.burst, self.tokens, self.at = rate, burst, float(burst), time.monotonic()

    def take(self) -> float:
        """0 if a token was taken, else the seconds until one is there."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class Breaker:
    """Opens after `threshold` failures in a row; after `cooldown` lets one trial through."""

    __slots__ = ("cooldown", "failures", "opened_at", "threshold", "trial")

    def __init__(self, threshold: int, cooldown: float):
        self.threshold, self.cooldown = threshold, cooldown
        self.failures, self.opened_at, self.trial = 0, 0.0, False

    def allow(self) -> bool:
        if self.failures < self.threshold:
            return True
        if not self.trial and time.monotonic() - self.opened_at >= self.cooldown:
            self.trial = True  # half-open: this request decides
            return True
        return False

    def succeeded(self) -> None:
        self.failures, self.trial = 0, False

    def failed(self) -> None:
        self.failures += 1
        self.trial = False
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()
