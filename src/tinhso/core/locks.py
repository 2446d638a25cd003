"""Keys of PostgreSQL advisory locks, in one place so that no two uses pick the same one, and
the lock a long-running single worker holds for its whole life."""

from django.db import connection

PORTAL_SENDER = 0x7D5C_0001  # dossiers.portal_sync: the one sender to the national portal
DOCUMENT_EXCHANGE = 0x7D5C_0002  # documents.exchange_axis: the one exchange worker


def hold_for_process(key: int) -> bool:
    """Become the one holder of `key` until this connection closes (PostgreSQL); SQLite runs
    one writer at a time anyway, so there it always succeeds."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cur.fetchone()[0])
