"""The message log: a chain signed in batches; verify_exchange_log names the first altered or
missing record, by real edits of the tables and the anchor file."""

import hashlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from tinhso.exchange import log
from tinhso.exchange.models import LogBatch, MessageRecord

pytestmark = pytest.mark.django_db


def _record(n: int) -> dict:
    at = timezone.now()
    return {"exchange_id": f"x{n}", "jti": f"j{n}", "client": "GOV/000.00.00.H41/MOTCUA",
            "service": "GOV/000.00.00.H41/DMDC/catalogues/v1", "method": "GET",
            "path": f"/units?n={n}", "started_at": at, "ended_at": at + timedelta(milliseconds=3),
            "status": 200, "outcome": "ok", "reason": "",
            "request_digest": log.EMPTY_DIGEST,
            "response_digest": hashlib.sha256(str(n).encode()).hexdigest(),
            "request_bytes": 0, "response_bytes": len(str(n))}


def _write(batches=(3, 4, 3)):
    writer = log.LogWriter()
    n = 0
    for size in batches:
        writer.write([_record(n + i) for i in range(size)])
        n += size
    writer.close()
    return writer


def _verify():
    with pytest.raises(CommandError) as failed:
        call_command("verify_exchange_log")
    return str(failed.value)


def test_intact_log_verifies_and_each_batch_is_signed(capsys):
    _write()
    assert MessageRecord.objects.order_by("-seq").first().seq == 10
    assert list(LogBatch.objects.values_list("first_seq", "last_seq")) == [(1, 3), (4, 7),
                                                                           (8, 10)]
    assert log.verify() == []
    call_command("verify_exchange_log")
    assert "10 bản ghi" in capsys.readouterr().out
    # A second writer (a restarted gateway) goes on from the head.
    again = log.LogWriter()
    again.write([_record(99)])
    again.close()
    assert log.verify() == []
    assert MessageRecord.objects.get(seq=11).prev_hash == MessageRecord.objects.get(seq=10).hash


def test_an_edited_record_is_named():
    _write()
    MessageRecord.objects.filter(seq=5).update(status=500)
    assert "#5" in _verify()


def test_an_edited_record_with_recomputed_chain_fails_the_signed_head():
    _write()
    # The forger recomputes every hash from #5 on: links agree, signed heads do not.
    rows = list(MessageRecord.objects.filter(seq__gte=4).order_by("seq"))
    prev = rows[0].hash
    for row in rows[1:]:
        values = {f: getattr(row, f) for f in log.FIELDS}
        values["prev_hash"] = prev
        if row.seq == 5:
            values["outcome"] = "refused"
        prev = log.record_hash(values)
        MessageRecord.objects.filter(pk=row.pk).update(
            prev_hash=values["prev_hash"], outcome=values["outcome"], hash=prev)
    problems = log.verify()
    assert problems and problems[0].seq == 7  # the first signed head that no longer matches


def test_a_deleted_record_is_named():
    _write()
    MessageRecord.objects.filter(seq=6).delete()
    assert "#6" in _verify()


def test_a_cut_tail_with_its_batch_is_seen_against_the_anchor_file():
    _write()
    MessageRecord.objects.filter(seq__gte=8).delete()
    LogBatch.objects.filter(last_seq=10).delete()
    assert "#8" in _verify()


def test_a_forged_batch_signature_is_refused():
    _write()
    LogBatch.objects.filter(last_seq=7).update(head="0" * 64)
    assert "#4" in _verify()
