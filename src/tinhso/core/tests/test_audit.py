"""The audit log: keyed chain, sealing, tamper detection, the commands and the receivers.

Tampering that only a signed checkpoint can reveal (a cut tail, an emptied table, a chain
rewritten with the key) is replayed in tests/security/test_audit_chain.py.
"""

import hashlib
import itertools
import json
import threading
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.test import RequestFactory
from django.urls import path

from tinhso.core import audit
from tinhso.core.models import AuditCheckpoint, AuditEntry, User, UserRole
from tinhso.core.roles import Role

# The admin's login and logout views are the real log-in path here, whatever urls.py holds.
urlpatterns = [path("admin/", admin.site.urls)]

PASSWORD = "Mật-khẩu-thử-2025!"


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


@pytest.fixture
def make_chain(seal_audit):
    """make_chain(n): n entries written and sealed (linked, with a signed checkpoint)."""

    def make(n: int = 5) -> list[AuditEntry]:
        for i in range(1, n + 1):
            audit.record(f"test.step{i}", target=("core.thing", i),
                         data={"i": i, "tên": "Hà Tĩnh"})
        seal_audit()
        return list(AuditEntry.objects.order_by("seq"))

    return make


def run_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


# --- The chain.


@pytest.mark.django_db
def test_chain_of_actions_links_and_verifies_clean(make_chain, seal_audit):
    for i in range(1, 5):
        audit.record(f"test.step{i}", target=("core.thing", i))
    written = audit.record("test.dated", data={"on": date(2025, 7, 1), "z": 1, "a": [2, 1]})
    # Written without a place in the chain: no lock, no read of the head.
    assert (written.seq, written.hash, written.keyed) == (None, None, False)
    report = seal_audit()
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
    assert report.sealed == 5 and report.head == (5, stored[-1].hash)
    assert stored[0].prev_hash == audit.GENESIS_HASH
    for prev, entry in itertools.pairwise(stored):
        assert entry.prev_hash == prev.hash
    assert all(e.keyed for e in stored)
    assert [audit.compute_hash(e) for e in stored] == [e.hash for e in stored]
    # Keyed: the same content under plain SHA-256 (or another key) gives another link.
    assert hashlib.sha256(audit.canonical(stored[0])).hexdigest() != stored[0].hash
    assert audit.compute_hash(stored[0], b"another key") != stored[0].hash
    assert stored[4].data == {"on": "2025-07-01", "z": 1, "a": [2, 1]}
    assert stored[0].target_type == "core.thing" and stored[0].target_id == "1"
    assert audit.verify() == []
    # The next run links on from the head and signs a new checkpoint.
    audit.record("test.later")
    assert seal_audit().head[0] == 6
    assert list(AuditCheckpoint.objects.values_list("seq", "count")) == [(5, 5), (6, 6)]
    assert audit.verify() == []


@pytest.mark.django_db
def test_sealing_with_nothing_new_writes_no_checkpoint(seal_audit):
    assert seal_audit().checkpoint is None  # an empty log: nothing to state
    audit.record("test.one")
    assert seal_audit().checkpoint is not None
    report = seal_audit()
    assert (report.sealed, report.checkpoint) == (0, None)
    assert AuditCheckpoint.objects.count() == 1


@pytest.mark.django_db
def test_anchor_file_holds_the_signed_checkpoint(seal_audit, settings):
    audit.record("test.one")
    seal_audit()
    [line] = settings.TINHSO_AUDIT_ANCHOR_PATH.read_text().splitlines()
    cp = json.loads(line)
    entry = AuditEntry.objects.get()
    assert (cp["seq"], cp["head"], cp["count"]) == (1, entry.hash, 1)
    assert cp["key"] == audit.key_id(audit.signing_key().public_key())


@pytest.mark.django_db
def test_checkpoint_of_a_rolled_back_seal_never_reaches_the_anchor_file(settings):
    audit.record("test.one")
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.seal()
        raise RuntimeError("mất kết nối")
    assert not settings.TINHSO_AUDIT_ANCHOR_PATH.exists()
    assert AuditEntry.objects.get().seq is None


@pytest.mark.django_db
def test_rows_linked_before_the_key_verify_by_the_old_rule(seal_audit):
    """Rows of a log chained before the upgrade (unkeyed SHA-256) stay valid; rows sealed
    after them link on under the key, and an unkeyed row after a keyed one is refused."""
    prev = audit.GENESIS_HASH
    for seq in (1, 2):
        entry = audit.record(f"test.old{seq}")
        entry.refresh_from_db()
        entry.seq, entry.prev_hash = seq, prev
        entry.hash = prev = hashlib.sha256(audit.canonical(entry)).hexdigest()
        entry.save()
    assert audit.verify() == []
    audit.record("test.new")
    seal_audit()
    assert list(AuditEntry.objects.order_by("seq").values_list("keyed", flat=True)) == [
        False, False, True]
    assert audit.verify() == []
    third = AuditEntry.objects.get(seq=3)
    third.keyed = False
    third.hash = hashlib.sha256(audit.canonical(third)).hexdigest()
    third.save()
    assert 3 in [p.seq for p in audit.verify()]


@pytest.mark.django_db
def test_entry_takes_actor_and_ip_from_request():
    staff = User.objects.create_user("canbo", password=PASSWORD, is_staff=True)
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:0:0::1")
    request.user = staff
    entry = audit.record("test.action", request=request)
    assert (entry.actor_id, entry.actor_name) == (staff.pk, "canbo")
    assert entry.ip_address == "2001:db8::1"  # canonical form, as PostgreSQL's inet prints it
    bad = RequestFactory().get("/", REMOTE_ADDR="not-an-ip")
    assert audit.record("test.other", request=bad).ip_address is None
    assert audit.verify() == []


@pytest.mark.django_db
def test_altered_data_through_raw_sql_is_found_with_its_seq(make_chain):
    make_chain(5)
    run_sql(
        f"UPDATE core_auditentry SET data = {json_param()} WHERE seq = 3",
        [json.dumps({"i": 3, "tên": "Nghệ An"})],
    )
    problems = audit.verify()
    assert [p.seq for p in problems] == [3]
    assert "bị sửa" in problems[0].reason


@pytest.mark.django_db
def test_altered_actor_name_is_found(make_chain):
    make_chain(3)
    run_sql("UPDATE core_auditentry SET actor_name = 'ke_gian' WHERE seq = 1")
    assert [p.seq for p in audit.verify()] == [1]


@pytest.mark.django_db
def test_deleted_middle_row_is_found(make_chain):
    make_chain(5)
    run_sql("DELETE FROM core_auditentry WHERE seq = 3")
    problems = audit.verify()
    assert [p.seq for p in problems] == [4, 5]  # the gap, and the signed count at #5
    assert "nhảy từ 2 lên 4" in problems[0].reason
    assert "4 thay vì 5" in problems[1].reason


@pytest.mark.django_db
def test_deleted_first_row_is_found(make_chain):
    make_chain(3)
    run_sql("DELETE FROM core_auditentry WHERE seq = 1")
    assert [p.seq for p in audit.verify()] == [2, 3]


@pytest.mark.django_db
def test_swapped_seq_numbers_are_found(make_chain):
    make_chain(4)
    run_sql("UPDATE core_auditentry SET seq = 100 WHERE seq = 2")
    run_sql("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
    run_sql("UPDATE core_auditentry SET seq = 3 WHERE seq = 100")
    assert {p.seq for p in audit.verify()} == {2, 3, 4}


@pytest.mark.django_db
def test_reordered_rows_with_recomputed_hashes_break_the_links(make_chain):
    """An attacker who has the chain key swaps two rows and relinks each one."""
    make_chain(4)
    second, third = AuditEntry.objects.get(seq=2), AuditEntry.objects.get(seq=3)
    content = ("at", "action", "data", "target_id")
    originals = {e.seq: {f: getattr(e, f) for f in content} for e in (second, third)}
    for entry, other_seq in ((second, 3), (third, 2)):
        for field, value in originals[other_seq].items():
            setattr(entry, field, value)
        entry.hash = audit.compute_hash(entry)
    for entry in (second, third):  # free the unique hashes first
        AuditEntry.objects.filter(pk=entry.pk).update(hash=f"tmp{entry.seq}")
    second.save()
    third.save()
    problems = audit.verify()
    assert [p.seq for p in problems] == [3, 4]
    assert all("Liên kết chuỗi bị đứt" in p.reason for p in problems)


@pytest.mark.django_db
def test_cut_tail_is_caught_by_the_checkpoint_and_by_a_recorded_head(make_chain):
    make_chain(5)
    head = audit.chain_head()
    assert head[0] == 5
    run_sql("DELETE FROM core_auditentry WHERE seq >= 4")
    problems = audit.verify()
    assert [p.seq for p in problems] == [5]
    assert "cắt đuôi" in problems[0].reason
    assert [p.seq for p in audit.verify(expect_head=head)] == [5, 5]


@pytest.mark.django_db
def test_rewritten_chain_is_caught_by_the_checkpoint(make_chain):
    """Someone with the chain key deletes row 2 and relinks everything after it."""
    make_chain(4)
    run_sql("DELETE FROM core_auditentry WHERE seq = 2")
    prev = AuditEntry.objects.get(seq=1)
    for entry in AuditEntry.objects.filter(seq__gt=2).order_by("seq"):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq - 1, hash=f"tmp{entry.seq}")
        entry.seq, entry.prev_hash = entry.seq - 1, prev.hash
        entry.hash = audit.compute_hash(entry)
        entry.save()
        prev = entry
    problems = audit.verify()
    assert [p.seq for p in problems] == [4]  # the signed head #4 is gone


# --- Transactions.


@pytest.mark.django_db
def test_action_rolled_back_leaves_no_entry(seal_audit):
    user = User.objects.create_user("lanh_dao", password=PASSWORD)
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        UserRole.objects.create(user=user, role=Role.AGENCY_LEADER)
        audit.record("test.inside")
        raise RuntimeError("nghiệp vụ thất bại")
    assert AuditEntry.objects.count() == before
    audit.record("test.after")
    assert seal_audit().head[0] == before + 1
    assert audit.verify() == []


# --- The command.


@pytest.mark.django_db
def test_command_reports_intact_log_and_its_head(make_chain, capsys):
    entries = make_chain(3)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Nhật ký kiểm toán toàn vẹn: 3 bản ghi" in out
    assert f"3:{entries[-1].hash}" in out
    call_command("verify_audit", expect_head=f"3:{entries[-1].hash}")


@pytest.mark.django_db
def test_command_fails_and_names_the_bad_row(make_chain, capsys):
    make_chain(4)
    run_sql("UPDATE core_auditentry SET action = 'test.hidden' WHERE seq = 2")
    with pytest.raises(CommandError, match="1 vấn đề"):
        call_command("verify_audit")
    assert "#2:" in capsys.readouterr().err


@pytest.mark.django_db
def test_command_checks_the_expected_head(make_chain, capsys):
    entries = make_chain(3)
    run_sql("DELETE FROM core_auditentry WHERE seq = 3")
    with pytest.raises(CommandError):
        call_command("verify_audit", expect_head=f"3:{entries[-1].hash}")
    assert "#3:" in capsys.readouterr().err
    with pytest.raises(CommandError, match="SEQ:HASH"):
        call_command("verify_audit", expect_head="3:abc")


# --- Receivers: authentication.


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_login_success_failure_and_logout_are_recorded(client, settings, seal_audit):
    settings.LOGIN_REDIRECT_URL = settings.LOGOUT_REDIRECT_URL = "/admin/"
    staff = User.objects.create_user("quantri", password=PASSWORD, is_staff=True)
    client.post("/admin/login/", {"username": "quantri", "password": "sai-mat-khau"})
    response = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 302
    client.post("/admin/logout/")
    assert actions() == ["user.created", "auth.login_failed", "auth.login", "auth.logout"]
    failed, login, logout = AuditEntry.objects.order_by("id")[1:]
    assert failed.actor_id is None and failed.data == {"username": "quantri"}
    assert "sai-mat-khau" not in json.dumps(failed.data)
    assert failed.ip_address == "127.0.0.1"
    assert (login.actor_id, login.actor_name) == (staff.pk, "quantri")
    assert login.target_id == str(staff.pk)
    assert logout.actor_id == staff.pk
    seal_audit()
    assert audit.verify() == []


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_lockout_is_recorded(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_LOCKOUT_TEMPLATE = None  # the page itself is not this test's concern
    User.objects.create_user("nghi_van", password=PASSWORD, is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": "nghi_van", "password": "doan-mo"})
    locked = AuditEntry.objects.get(action="auth.locked_out")
    assert locked.data == {"username": "nghi_van", "client_ip": "127.0.0.1"}
    assert actions().count("auth.login_failed") == 2


# --- Receivers: roles and accounts.


@pytest.mark.django_db
def test_role_grant_and_revoke_name_the_user_and_the_acting_admin():
    admin_user = User.objects.create_user("admin_tinh", password=PASSWORD, is_superuser=True)
    officer = User.objects.create_user("mot_cua", password=PASSWORD)
    request = RequestFactory().post("/", REMOTE_ADDR="10.0.0.7")
    request.user = admin_user
    with audit.request_context(request):
        role = UserRole.objects.create(user=officer, role=Role.ONE_STOP_OFFICER)
        role.delete()
    granted, revoked = AuditEntry.objects.filter(action__startswith="role.").order_by("id")
    for entry in (granted, revoked):
        assert entry.actor_id == admin_user.pk and entry.ip_address == "10.0.0.7"
        assert (entry.target_type, entry.target_id) == ("core.user", str(officer.pk))
        assert entry.data == {"role": "one_stop_officer", "user": "mot_cua"}
    assert (granted.action, revoked.action) == ("role.granted", "role.revoked")
    # Outside a request the actor is unknown, not guessed.
    UserRole.objects.create(user=officer, role=Role.SPECIALIST)
    assert AuditEntry.objects.get(action="role.granted", data__role="specialist").actor_id is None


@pytest.mark.django_db
def test_user_created_and_security_changes_are_recorded():
    user = User.objects.create_user("chuyen_vien", password=PASSWORD)
    created = AuditEntry.objects.get(action="user.created")
    assert created.data["username"] == "chuyen_vien" and created.data["is_staff"] is False
    user.is_staff = True
    user.full_name = "Nguyễn Văn A"
    user.save()
    updated = AuditEntry.objects.get(action="user.updated")
    assert updated.data["changes"] == {"is_staff": [False, True]}
    user.set_password("Mật-khẩu-mới-2025!")
    user.save()
    changed = AuditEntry.objects.get(action="user.password_changed")
    assert user.password not in json.dumps(changed.data)
    user.full_name = "Nguyễn Văn B"
    user.save()  # nothing watched changed
    user.save(update_fields=["last_login"])
    assert actions() == ["user.created", "user.updated", "user.password_changed"]
    assert audit.verify() == []


@pytest.mark.django_db
def test_admin_log_entry_is_recorded_with_its_staff_author():
    staff = User.objects.create_user("bien_tap", password=PASSWORD, is_staff=True)
    other = User.objects.create_user("nguoi_dan", password=PASSWORD)
    LogEntry.objects.log_actions(
        staff.pk, [other], CHANGE, change_message=[{"changed": {"fields": ["Email"]}}]
    )
    entry = AuditEntry.objects.get(action="admin.change")
    assert (entry.actor_id, entry.actor_name) == (staff.pk, "bien_tap")
    assert (entry.target_type, entry.target_id) == ("core.user", str(other.pk))
    assert entry.data == {
        "object_repr": "nguoi_dan", "change_message": [{"changed": {"fields": ["Email"]}}],
    }


@pytest.mark.django_db
def test_fixture_loading_writes_no_entries(tmp_path):
    fixture = tmp_path / "users.json"
    fixture.write_text(json.dumps([
        {"model": "core.user", "pk": 900, "fields": {"username": "nap_san", "password": "!"}},
        {"model": "core.userrole", "pk": 900, "fields": {"user": 900, "role": "specialist"}},
    ]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert User.objects.filter(username="nap_san").exists()
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_deleting_a_user_keeps_the_chain_intact(seal_audit):
    user = User.objects.create_user("nghi_viec", password=PASSWORD)
    audit.record("test.by_user", actor=user)
    seal_audit()
    user.delete()
    assert "user.deleted" in actions()
    seal_audit()
    assert audit.verify() == []


# --- Concurrency (PostgreSQL: SQLite serialises writers by itself).


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL")
    threads_count, per_thread = 8, 15
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit.record("test.concurrent", data={"thread": n, "i": i})
                if i % 5 == 4:  # sealers racing each other and the writers
                    audit.seal()
        except BaseException as exc:  # reported in the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert errors == []
    audit.seal()
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
    assert audit.verify() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_is_recorded_in_its_own_transaction_without_waiting_for_the_disk():
    if connection.vendor != "postgresql":
        pytest.skip("cần PostgreSQL")
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9")
    request.user = User.objects.create_user("doc_ho_so", password=PASSWORD)
    audit.record_read("test.read", target=("core.thing", 1), data={"q": "Hà"}, request=request)
    with connection.cursor() as cursor:  # the setting was local to the entry's transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
    entry = AuditEntry.objects.get(action="test.read")
    assert (entry.actor_name, entry.ip_address, entry.data) == ("doc_ho_so", "10.0.0.9",
                                                                {"q": "Hà"})
    assert (entry.target_type, entry.target_id, entry.seq) == ("core.thing", "1", None)
    audit.seal()
    assert audit.verify() == []
