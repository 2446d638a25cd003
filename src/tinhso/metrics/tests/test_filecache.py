"""The shared file cache looks at its folder to cull at most once every CULL_EVERY seconds."""

from tinhso.metrics import filecache
from tinhso.metrics.filecache import SharedFileCache


def test_writes_look_at_the_folder_once_per_interval_and_still_cull(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(SharedFileCache, "_looked_at", {})
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10,
                                                        "CULL_FREQUENCY": 2}})
    listings = []
    original = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listings.append(1) or original())
    for i in range(30):
        cache.set(f"k{i}", i)
    assert len(listings) == 1  # the first write looked; the 29 after it did not
    assert len(list(tmp_path.glob("*.djcache"))) == 30  # past MAX_ENTRIES until the next look
    assert cache.get("k29") == 29

    clock[0] += SharedFileCache.CULL_EVERY
    cache.set("k30", 30)
    assert len(listings) == 2
    assert len(list(tmp_path.glob("*.djcache"))) == 16  # 30 - 30 / 2, then k30
    assert cache.get("k30") == 30
