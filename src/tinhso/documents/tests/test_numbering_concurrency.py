"""Many officials issuing into one register at once, on PostgreSQL (SQLite serialises its
writers by itself): every document gets its own number, 01 to N, no gap, no duplicate; and
the recipient's clerks registering the copies at once, the same in the incoming register."""

import threading

import pytest
from django.db import connection, connections

from tinhso.documents import seeding, services
from tinhso.documents.models import Document, Status
from tinhso.signing.testing import result_pdf

THREADS = 12
EACH = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_take_distinct_consecutive_numbers(office, commune):
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL")
    docs = seeding.sealed(office.agency, THREADS * EACH, data=result_pdf(),
                          recipients=[commune.agency])
    batches = [docs[i::THREADS] for i in range(THREADS)]
    start = threading.Barrier(THREADS)
    errors = []

    def worker(batch):
        try:
            start.wait()
            for document in batch:
                services.issue(office.clerk, document.pk)
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    run_all(worker, batches)
    assert errors == []
    numbers = sorted(Document.objects.filter(direction="out", status=Status.ISSUED)
                     .values_list("number", flat=True))
    assert numbers == list(range(1, THREADS * EACH + 1))
    notations = set(Document.objects.filter(direction="out").values_list("notation", flat=True))
    assert len(notations) == THREADS * EACH
    # Each issue delivered its copy to the commune in the same transaction.
    copies = list(Document.objects.filter(direction="in", agency=commune.agency))
    assert len(copies) == THREADS * EACH

    # The commune's clerks register them at once: the incoming register's numbers likewise.
    def register(batch):
        try:
            start.wait()
            for document in batch:
                services.register(commune.clerk, document.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    run_all(register, [copies[i::THREADS] for i in range(THREADS)])
    assert errors == []
    incoming = sorted(Document.objects.filter(direction="in", agency=commune.agency)
                      .values_list("number", flat=True))
    assert incoming == list(range(1, THREADS * EACH + 1))


def run_all(target, batches):
    threads = [threading.Thread(target=target, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
