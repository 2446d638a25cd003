"""Run pyHanko's coroutines from the synchronous code that signs and validates.

pyHanko's sync entry points call ``asyncio.run``, which refuses to start inside a thread
that already runs an event loop (an aiohttp service, a browser driver in the tests). Such
a caller gets the coroutine run on a short-lived thread of its own instead.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def run(coroutine):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="signing") as pool:
        return pool.submit(asyncio.run, coroutine).result()
