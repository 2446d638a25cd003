"""A service's lane in the gateway (exchange.limits.Lane): at most `cap` exchanges at its
provider, the others waiting in order; while some wait, its steps take turns, `per_pass` in
one pass of the event loop, giving way to other ready work for a few passes; a lane that
keeps up never waits for a turn."""

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor

from tinhso.exchange.limits import GIVE_WAY_AT_MOST, Lane


def _run(scenario):
    """The scenario on a loop of its own, in a thread: the suite's thread may already be
    running one (the browser journeys' driver)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, scenario()).result(30)


class Passes:
    """Counts the passes of the running event loop (a callback that schedules itself)."""

    def __init__(self):
        self.count, self.running = 0, True
        asyncio.get_running_loop().call_soon(self._tick)

    def _tick(self):
        self.count += 1
        if self.running:
            asyncio.get_running_loop().call_soon(self._tick)


async def _hold(lane, entered, order, name, gate):
    await lane.slot()
    try:
        order.append(name)
        entered.append(name)
        await gate.wait()
    finally:
        entered.remove(name)
        lane.release()


def test_at_most_cap_at_the_provider_the_others_wait_in_order():
    async def scenario():
        lane, entered, order, gate = Lane(2, 1), [], [], asyncio.Event()
        tasks = [asyncio.create_task(_hold(lane, entered, order, n, gate)) for n in "abcde"]
        for _ in range(5):
            await asyncio.sleep(0)
        assert sorted(entered) == ["a", "b"] and lane.in_flight == 2
        assert len(lane.slots_waiting) == 3
        gate.set()
        await asyncio.gather(*tasks)
        return order, lane.in_flight, len(lane.slots_waiting)

    order, in_flight, waiting = _run(scenario)
    assert order == list("abcde")
    assert (in_flight, waiting) == (0, 0)


def test_a_saturated_lane_takes_turns_one_step_per_pass_giving_way_to_other_work():
    async def scenario():
        lane, gate = Lane(1, 1), asyncio.Event()
        holder = asyncio.create_task(_hold(lane, [], [], "holder", gate))
        waiter = asyncio.create_task(_hold(lane, [], [], "waiter", gate))
        await asyncio.sleep(0)
        assert lane.slots_waiting  # saturated
        passes = Passes()
        seen = []

        async def step(name):
            await lane.turn()
            seen.append((name, passes.count))

        await asyncio.wait_for(asyncio.gather(*(step(n) for n in range(6))), 10)
        passes.running = False
        gate.set()
        await asyncio.gather(holder, waiter)
        return seen

    seen = _run(scenario)
    assert [name for name, _ in seen] == list(range(6))  # in order
    at = [count for _, count in seen]
    assert len(set(at)) == len(at), f"two steps in one pass: {seen}"
    # The pass counter is other work, ready in every pass: each turn gave way to it first,
    # as many passes as allowed, and no more (the saturated lane is not starved).
    gaps = [b - a for a, b in itertools.pairwise(at)]
    assert min(gaps) >= GIVE_WAY_AT_MOST + 1 and max(gaps) <= GIVE_WAY_AT_MOST + 2, seen


def test_a_lane_that_keeps_up_never_waits_for_a_turn():
    async def scenario():
        lane = Lane(2, 1)
        passes = Passes()
        before = passes.count
        for _ in range(10):
            await lane.turn()
        passes.running = False
        return passes.count - before

    assert _run(scenario) == 0


def test_an_exchange_cancelled_while_waiting_does_not_lose_the_slot():
    async def scenario():
        lane, gate = Lane(1, 1), asyncio.Event()
        holder = asyncio.create_task(_hold(lane, [], [], "holder", gate))
        await asyncio.sleep(0)
        gone = asyncio.create_task(lane.slot())  # a client that gives up
        after = asyncio.create_task(_hold(lane, [], [], "after", asyncio.Event()))
        await asyncio.sleep(0)
        gate.set()  # the holder releases: the slot is handed to `gone` ...
        await asyncio.sleep(0)
        gone.cancel()  # ... which is cancelled before it runs
        for _ in range(5):
            await asyncio.sleep(0)
        assert lane.in_flight == 1 and not lane.slots_waiting  # `after` holds it
        after.cancel()
        await asyncio.gather(holder, return_exceptions=True)
        await asyncio.gather(after, gone, return_exceptions=True)
        return lane.in_flight

    assert _run(scenario) == 0
