"""Keys of PostgreSQL advisory locks, in one place so that no two uses pick the same one, and
the lock a long-running single worker holds for its whole life."""

from django.db import connection

PORTAL_SENDER = 0x7D5C_0001  # dossiers.portal_sync: the one sender to the national portal
# documents.exchange_axis: the one worker that sends (documents, then statuses in order) and
# the one that takes in the mailboxes (a package handled twice would be refused as a duplicate)
DOCUMENT_EXCHANGE_SEND = 0x7D5C_0002
DOCUMENT_EXCHANGE_RECEIVE = 0x7D5C_0003


def hold_for_process(key: int) -> bool:
    """Become the one holder of `key` until this connection closes (PostgreSQL); SQLite runs
    one writer at a time anyway, so there it always succeeds."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
        return bool(cur.fetchone()[0])
