"""The file cache every server process shares for the index's results (settings: "metrics")."""

import time

from django.core.cache.backends.filebased import FileBasedCache


class SharedFileCache(FileBasedCache):
    """Django's file cache lists its whole folder on every write to decide whether to cull.
    Each refresh of the index renames every result, so the folder holds thousands of entries,
    and the listing cost each write a few ms: six writes on the dashboard's first read after a
    refresh. Here a process looks at most once every CULL_EVERY seconds; in between the folder
    can pass MAX_ENTRIES only by what the server's processes wrote meanwhile."""

    CULL_EVERY = 30.0
    _looked_at: dict[str, float] = {}  # folder: when this process last looked, monotonic

    def _cull(self):
        now = time.monotonic()
        if now - self._looked_at.get(self._dir, float("-inf")) < self.CULL_EVERY:
            return
        self._looked_at[self._dir] = now
        super()._cull()
