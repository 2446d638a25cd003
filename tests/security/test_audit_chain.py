"""Defect 10 of the probe: the audit trail could be cut, and dossier actions and officials'
reads of personal data were not in it.

Each reproducer: entries are written, the sealer links them and signs a checkpoint (as
`tinhso seal_audit --every N` does beside the worker), then someone with write access to the
database tampers with it; `tinhso verify_audit`, given no remembered head, must fail.
"""

import base64
import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from tinhso.core import audit
from tinhso.core.models import AuditCheckpoint, AuditEntry
from tinhso.dossiers import lifecycle
from tinhso.dossiers.models import Payment, Status
from tinhso.dossiers.tests.conftest import RECEIVED_AT, citizen_applicant, full_components

pytestmark = pytest.mark.django_db


def run_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def seal(django_capture_on_commit_callbacks):
    """Run the sealer; its anchor line is appended once the (test's) transaction commits."""

    def run():
        with django_capture_on_commit_callbacks(execute=True):
            call_command("seal_audit", verbosity=0)

    return run


@pytest.fixture
def sealed_chain(seal):
    def make(n: int = 6) -> list[AuditEntry]:
        for i in range(1, n + 1):
            audit.record(f"test.step{i}", target=("core.thing", i), data={"i": i})
        seal()
        return list(AuditEntry.objects.order_by("seq"))

    return make


def verify_fails(capsys) -> str:
    """Run `tinhso verify_audit` as an operator would, without --expect-head."""
    with pytest.raises(CommandError, match="không toàn vẹn"):
        call_command("verify_audit")
    return capsys.readouterr().err


def test_intact_sealed_chain_verifies(sealed_chain, capsys):
    entries = sealed_chain()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert all(e.keyed for e in entries)
    call_command("verify_audit")
    assert "toàn vẹn: 6 bản ghi" in capsys.readouterr().out


def test_cut_tail_is_detected_without_a_remembered_head(sealed_chain, capsys):
    sealed_chain()
    run_sql("DELETE FROM core_auditentry WHERE seq >= 5")
    assert "#6:" in verify_fails(capsys)


def test_every_row_deleted_is_detected(sealed_chain, capsys):
    sealed_chain()
    run_sql("DELETE FROM core_auditentry")
    run_sql("DELETE FROM core_auditcheckpoint")  # the anchor file outside still has it
    assert "#6:" in verify_fails(capsys)


def test_rewritten_row_with_recomputed_unkeyed_hashes_is_detected(sealed_chain, capsys):
    """What passed before: edit row 3, recompute SHA-256 links from there to the head."""
    entries = sealed_chain()
    prev = entries[1].hash
    for entry in entries[2:]:
        if entry.seq == 3:
            entry.data = {"i": 3, "note": "viết lại"}
        entry.prev_hash = prev
        entry.hash = prev = hashlib.sha256(audit.canonical(entry)).hexdigest()
        AuditEntry.objects.filter(pk=entry.pk).update(data=entry.data, prev_hash=entry.prev_hash,
                                                      hash=entry.hash)
    assert "#3:" in verify_fails(capsys)


def test_rewritten_row_with_the_chain_key_is_caught_by_the_signed_checkpoint(sealed_chain, capsys):
    """Someone who has the chain key but not the signing key recomputes every link."""
    entries = sealed_chain()
    key = audit.chain_key()
    prev = entries[1].hash
    for entry in entries[2:]:
        if entry.seq == 3:
            entry.action = "test.hidden"
        entry.prev_hash = prev
        entry.hash = prev = audit.compute_hash(entry, key)
        AuditEntry.objects.filter(pk=entry.pk).update(action=entry.action,
                                                      prev_hash=entry.prev_hash, hash=entry.hash)
    err = verify_fails(capsys)
    assert "#6:" in err and "mốc kiểm chứng" in err


def test_forged_checkpoint_is_detected(sealed_chain, capsys, settings):
    sealed_chain()
    anchor = settings.TINHSO_AUDIT_ANCHOR_PATH
    [line] = anchor.read_text().splitlines()
    forged = json.loads(line)
    forged["seq"] = 4  # "the chain ended at 4": a cut tail made to look intended
    forged["head"] = AuditEntry.objects.get(seq=4).hash
    forged["count"] = 4
    anchor.write_text(json.dumps(forged) + "\n")
    AuditCheckpoint.objects.update(seq=4, head=forged["head"], count=4)
    run_sql("DELETE FROM core_auditentry WHERE seq >= 5")
    assert "Chữ ký" in verify_fails(capsys)


def test_checkpoint_deleted_from_the_table_is_detected(sealed_chain, capsys):
    sealed_chain()
    run_sql("DELETE FROM core_auditcheckpoint")
    assert "bảng mốc bị xóa" in verify_fails(capsys)


def test_checkpoint_verifies_with_the_public_key_alone(sealed_chain, tmp_path, capsys):
    sealed_chain()
    public = tmp_path / "audit.pub"
    call_command("seal_audit", public_key=True, stdout=public.open("w"))
    call_command("verify_audit", public_key=[str(public)])
    stranger = tmp_path / "stranger.pub"
    from cryptography.hazmat.primitives.asymmetric import ed25519
    stranger.write_text(audit.public_key_pem(ed25519.Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CommandError):
        call_command("verify_audit", public_key=[str(stranger)])
    cp = AuditCheckpoint.objects.get()
    assert len(base64.b64decode(cp.signature)) == 64


# --- Every state change of a dossier is in the chain.


def test_dossier_actions_are_in_the_chain(province, make_dossier, seal):
    p = province
    received = make_dossier(Status.RECEIVED)
    refused = make_dossier(Status.SUBMITTED)
    lifecycle.refuse(p.officer, refused, reason="Sai thẩm quyền", at=RECEIVED_AT)
    stopped = make_dossier(Status.PROCESSING)
    lifecycle.stop(p.leader, stopped, reason="Chủ hồ sơ đã mất")
    desk = lifecycle.intake(p.officer, procedure=p.procedure, agency=p.agency,
                            applicant=citizen_applicant(), components=full_components(p),
                            at=RECEIVED_AT)
    paying = make_dossier(Status.PAYMENT_REQUESTED)
    lifecycle.record_payment(p.officer, paying, amount=paying.fees_owed - paying.fees_paid,
                             method=Payment.Method.DESK)

    def actions(dossier):
        return list(AuditEntry.objects.filter(target_type="dossiers.dossier",
                                              target_id=str(dossier.pk))
                    .order_by("id").values_list("action", flat=True))

    assert actions(received) == ["dossier.submit", "dossier.receive"]
    assert actions(refused)[-1] == "dossier.refuse"
    assert actions(stopped)[-1] == "dossier.stop"
    assert actions(desk) == ["dossier.submit", "dossier.receive"]
    assert actions(paying)[-2:] == ["dossier.request_payment", "dossier.record_payment"]
    stop = AuditEntry.objects.get(action="dossier.stop")
    assert stop.actor_id == p.leader.pk
    assert stop.data == {"code": stopped.code, "from": Status.PROCESSING, "to": Status.STOPPED}
    seal()
    assert audit.verify() == []


def test_a_refused_action_leaves_no_entry(province, make_dossier):
    p = province
    d = make_dossier(Status.SUBMITTED)
    before = AuditEntry.objects.count()
    with pytest.raises(Exception):  # noqa: B017 (the specialist may not stop it)
        lifecycle.stop(p.specialist, d, reason="Không")
    assert AuditEntry.objects.count() == before


# --- Every read of personal data by an official is in the chain; a citizen's own is not.


def test_official_reads_are_recorded_one_entry_per_request(province, make_dossier, login):
    p = province
    d = make_dossier(Status.RECEIVED)
    make_dossier(Status.SUBMITTED)
    officer = login(p.officer)
    AuditEntry.objects.all().delete()

    assert officer.get(f"/api/v1/dossiers/{d.code}/").status_code == 200
    assert officer.get("/api/v1/dossiers/", {"q": "Trần Văn Dân"}).status_code == 200
    assert officer.get("/api/v1/dossiers/worklist/", {"bucket": "processing"}).status_code == 200
    assert officer.get(reverse("backoffice:dossier", args=[d.code])).status_code == 200
    assert officer.get(reverse("backoffice:dossiers"), {"q": "Trần"}).status_code == 200
    export = officer.get(reverse("backoffice:export"), {"status": Status.RECEIVED})
    assert export.status_code == 200

    entries = list(AuditEntry.objects.order_by("id"))
    assert [e.action for e in entries] == [
        "dossier.viewed", "dossier.listed", "dossier.listed", "dossier.viewed",
        "dossier.listed", "dossier.exported"]
    assert all(e.actor_id == p.officer.pk for e in entries)
    api_view, api_search, worklist, page_view, page_search, exported = entries
    assert (api_view.target_id, api_view.data["code"]) == (str(d.pk), d.code)
    assert api_search.data == {"view": "api.list", "query": {"q": "Trần Văn Dân"}, "rows": 2}
    assert worklist.data["query"] == {"bucket": "processing"}
    assert page_view.target_id == str(d.pk)
    assert page_search.data["query"] == {"q": "Trần"} and page_search.data["rows"] == 2
    assert exported.data == {"view": "export.xlsx", "query": {"status": str(Status.RECEIVED)},
                             "rows": 1}


def test_a_citizen_reading_their_own_dossier_is_not_recorded(province, make_dossier, login):
    p = province
    d = make_dossier(Status.SUBMITTED)
    citizen = login(p.citizen)
    AuditEntry.objects.all().delete()
    assert citizen.get(f"/api/v1/dossiers/{d.code}/").status_code == 200
    assert citizen.get("/api/v1/dossiers/").status_code == 200
    assert not AuditEntry.objects.exists()


def test_the_sealer_signs_nothing_over_a_cut_chain(sealed_chain, seal, capsys):
    sealed_chain()
    run_sql("DELETE FROM core_auditentry WHERE seq >= 5")
    audit.record("test.after_the_cut")
    seal()  # links the new row as #5, but #6 was signed: no checkpoint blesses the cut
    assert list(AuditCheckpoint.objects.values_list("seq", flat=True)) == [6]
    assert "#6:" in verify_fails(capsys)
