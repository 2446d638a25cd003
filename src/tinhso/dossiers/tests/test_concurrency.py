"""Concurrent requests on PostgreSQL: row locks, the code counter, idempotency under a race.

Each thread has its own database connection and transaction, as web workers do. SQLite
serialises writers for the whole file, so these tests need PostgreSQL.
"""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from tinhso.core.errors import Conflict
from tinhso.dossiers import lifecycle
from tinhso.dossiers.models import CodeCounter, Dossier, DossierEvent, Status
from tinhso.dossiers.transitions import TransitionNotAllowed

from .conftest import at, submit_online

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


def race(n, work):
    """Run work(i) in n threads released together; return results or exceptions by i."""
    barrier = threading.Barrier(n)
    outcomes = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = work(i)
        except Exception as exc:  # the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_officers_receive_the_same_dossier_once(province):
    d = submit_online(province)
    outcomes = race(2, lambda i: lifecycle.receive(province.officer, d.pk,
                                                   at=at(2026, 2, 13, 10, i)))
    won = [o for o in outcomes if isinstance(o, Dossier)]
    lost = [o for o in outcomes if isinstance(o, Conflict | TransitionNotAllowed)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    d.refresh_from_db()
    assert d.status == Status.RECEIVED and d.lock_version == 1
    assert DossierEvent.objects.filter(dossier=d, action="receive").count() == 1


def test_same_expected_version_lets_exactly_one_through(province):
    d = lifecycle.receive(province.officer, submit_online(province))
    outcomes = race(2, lambda i: lifecycle.request_payment(
        province.specialist, d.pk, amount=1_000 * (i + 1), expected_version=1))
    assert sum(isinstance(o, Dossier) for o in outcomes) == 1
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    d.refresh_from_db()
    assert d.lock_version == 2 and d.fees_owed in (71_000, 72_000)


def test_twenty_submissions_get_twenty_gap_free_codes(province):
    outcomes = race(20, lambda i: submit_online(province, at_=at(2026, 2, 13, 9)))
    assert all(isinstance(o, Dossier) for o in outcomes), outcomes
    codes = sorted(o.code for o in outcomes)
    assert codes == [f"H44.07-260213-{n:04d}" for n in range(1, 21)]
    assert CodeCounter.objects.get(agency=province.agency).last == 20


def test_ten_requests_with_one_idempotency_key_make_one_dossier(province):
    outcomes = race(10, lambda i: submit_online(province, idempotency_key="portal-req-7"))
    assert all(isinstance(o, Dossier) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    # The losers gave their code numbers back: the next dossier is number 2.
    assert submit_online(province).code == "H44.07-260213-0002"


def sessions_waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                       "AND datname = current_database()")
        return cursor.fetchone()[0]


def test_loser_past_the_key_check_gets_the_winners_dossier(province):
    """B checks the key while A's insert is uncommitted, then hits the unique key."""
    inserted, release = threading.Event(), threading.Event()

    def work(i):
        if i == 0:
            with transaction.atomic():
                dossier = submit_online(province, idempotency_key="k-1")
                inserted.set()
                assert release.wait(30)
            return dossier
        assert inserted.wait(30)
        return submit_online(province, idempotency_key="k-1")

    def release_once_b_waits():
        try:
            deadline = time.monotonic() + 30
            while sessions_waiting_on_a_lock() == 0 and time.monotonic() < deadline:
                time.sleep(0.02)
            waited.append(time.monotonic() < deadline)
        finally:
            release.set()
            connections.close_all()

    waited = []

    helper = threading.Thread(target=release_once_b_waits)
    helper.start()
    outcomes = race(2, work)
    helper.join()
    assert waited == [True]  # B was blocked behind A, past its own look-up of the key
    assert all(isinstance(o, Dossier) for o in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert CodeCounter.objects.get(agency=province.agency).last == 1
