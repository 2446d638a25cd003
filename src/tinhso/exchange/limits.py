"""The gateway's per-client token buckets, per-service circuit breakers and per-service turns
on the event loop; used from the event loop only, so they need no locks."""

from __future__ import annotations

import asyncio
import time
from collections import deque


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


# Passes in a row a saturated service's turn gives way to other ready work: enough that the
# services that keep up go first, few enough that the saturated one still moves (about one
# step in 9 passes when the loop is never idle).
GIVE_WAY_AT_MOST = 8


class Lane:
    """One service's way through the gateway.

    At most `cap` of its exchanges wait for its provider at once; the others wait here, in
    order, for a slot. While any wait, the service is saturated (a provider slower than its
    clients), and its exchanges' steps take turns: at most `per_pass` of them in one pass of
    the event loop, the others wait, in order, for the next passes; and a turn gives way,
    up to GIVE_WAY_AT_MOST passes in a row, while other work is ready in the pass.

    Why turns: the loop runs everything ready in a pass before it looks at the sockets again.
    A saturated provider answers its exchanges in rounds (2 s apart for a 2 s provider), and
    the steps of a round (read the answer, log it, answer the client, send the next) would
    fill a few long passes: every other service's exchange would wait out the whole round. In
    turns the round is spread over many short passes. A service that keeps up never waits for
    a turn, so it pays nothing for this."""

    __slots__ = ("cap", "gave_way", "in_flight", "per_pass", "reset_due", "slots_waiting",
                 "turns_waiting", "used")

    def __init__(self, cap: int, per_pass: int):
        self.cap, self.per_pass = cap, per_pass
        self.in_flight, self.used, self.gave_way, self.reset_due = 0, 0, 0, False
        self.slots_waiting: deque[asyncio.Future] = deque()
        self.turns_waiting: deque[asyncio.Future] = deque()

    async def slot(self) -> None:
        """Wait for a place at the provider; give it back with `release` (in a finally)."""
        if self.in_flight < self.cap and not self.slots_waiting:
            self.in_flight += 1
            return
        slot = asyncio.get_running_loop().create_future()
        self.slots_waiting.append(slot)
        try:
            await slot
        except asyncio.CancelledError:
            if slot.done() and not slot.cancelled():
                self.release()  # handed a slot as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self.slots_waiting:
            slot = self.slots_waiting.popleft()
            if not slot.done():
                slot.set_result(None)  # the slot passes on: in_flight stays
                return
        self.in_flight -= 1

    async def turn(self) -> None:
        if not self.slots_waiting and not self.turns_waiting:
            return  # keeping up: no turns
        if self.used < self.per_pass and not self.turns_waiting:
            self.used += 1
            self._next_pass_due()
            return
        turn = asyncio.get_running_loop().create_future()
        self.turns_waiting.append(turn)
        self._next_pass_due()
        await turn

    def _next_pass_due(self) -> None:
        if not self.reset_due:
            self.reset_due = True
            asyncio.get_running_loop().call_soon(self._next_pass)

    def _next_pass(self) -> None:
        self.reset_due = False
        # What else the pass runs: CPython's event loop keeps it in `_ready`; on a loop that
        # does not, turns only alternate.
        ready = getattr(asyncio.get_running_loop(), "_ready", None)
        if ready and self.turns_waiting and self.gave_way < GIVE_WAY_AT_MOST:
            self.gave_way += 1
            self._next_pass_due()
            return
        self.gave_way, self.used = 0, 0
        while self.turns_waiting and self.used < self.per_pass:
            turn = self.turns_waiting.popleft()
            if not turn.done():  # its exchange may have been cancelled (client gone)
                turn.set_result(None)
                self.used += 1
        if self.used:
            self._next_pass_due()
