"""The audit log: hash chain, tamper detection, the verify command and the signal receivers."""

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
from tinhso.core.models import AuditEntry, User, UserRole
from tinhso.core.roles import Role

# The admin's login and logout views are the real log-in path here, whatever urls.py holds.
urlpatterns = [path("admin/", admin.site.urls)]

PASSWORD = "Mật-khẩu-thử-2025!"


def actions() -> list[str]:
    return list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))


def make_chain(n: int = 5) -> list[AuditEntry]:
    return [
        audit.record(f"test.step{i}", target=("core.thing", i), data={"i": i, "tên": "Hà Tĩnh"})
        for i in range(1, n + 1)
    ]


def run_sql(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def json_param() -> str:
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


# --- The chain.


@pytest.mark.django_db
def test_chain_of_actions_links_and_verifies_clean():
    entries = make_chain(4)
    entries.append(audit.record("test.dated", data={"on": date(2025, 7, 1), "z": 1, "a": [2, 1]}))
    stored = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in stored] == [1, 2, 3, 4, 5]
    assert stored[0].prev_hash == audit.GENESIS_HASH
    for prev, entry in itertools.pairwise(stored):
        assert entry.prev_hash == prev.hash
    # What came back from the database hashes to what was written.
    assert [audit.compute_hash(e) for e in stored] == [e.hash for e in entries]
    assert stored[4].data == {"on": "2025-07-01", "z": 1, "a": [2, 1]}
    assert stored[0].target_type == "core.thing" and stored[0].target_id == "1"
    assert audit.verify() == []


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
def test_altered_data_through_raw_sql_is_found_with_its_seq():
    make_chain(5)
    run_sql(
        f"UPDATE core_auditentry SET data = {json_param()} WHERE seq = 3",
        [json.dumps({"i": 3, "tên": "Nghệ An"})],
    )
    problems = audit.verify()
    assert [p.seq for p in problems] == [3]
    assert "bị sửa" in problems[0].reason


@pytest.mark.django_db
def test_altered_actor_name_is_found():
    make_chain(3)
    run_sql("UPDATE core_auditentry SET actor_name = 'ke_gian' WHERE seq = 1")
    assert [p.seq for p in audit.verify()] == [1]


@pytest.mark.django_db
def test_deleted_middle_row_is_found():
    make_chain(5)
    run_sql("DELETE FROM core_auditentry WHERE seq = 3")
    problems = audit.verify()
    assert [p.seq for p in problems] == [4]
    assert "nhảy từ 2 lên 4" in problems[0].reason


@pytest.mark.django_db
def test_deleted_first_row_is_found():
    make_chain(3)
    run_sql("DELETE FROM core_auditentry WHERE seq = 1")
    assert [p.seq for p in audit.verify()] == [2]


@pytest.mark.django_db
def test_swapped_seq_numbers_are_found():
    make_chain(4)
    run_sql("UPDATE core_auditentry SET seq = 100 WHERE seq = 2")
    run_sql("UPDATE core_auditentry SET seq = 2 WHERE seq = 3")
    run_sql("UPDATE core_auditentry SET seq = 3 WHERE seq = 100")
    assert {p.seq for p in audit.verify()} == {2, 3, 4}


@pytest.mark.django_db
def test_reordered_rows_with_recomputed_hashes_break_the_links():
    """An attacker who knows the algorithm swaps two rows and rehashes each one."""
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
def test_cut_tail_is_invisible_to_the_chain_but_caught_by_the_recorded_head():
    make_chain(5)
    head = audit.chain_head()
    assert head[0] == 5
    run_sql("DELETE FROM core_auditentry WHERE seq >= 4")
    assert audit.verify() == []  # the limitation of any self-contained chain
    problems = audit.verify(expect_head=head)
    assert [p.seq for p in problems] == [5]
    assert "cắt đuôi" in problems[0].reason


@pytest.mark.django_db
def test_rewritten_chain_is_caught_by_the_recorded_head():
    """Someone deletes row 2 and rehashes everything after it: only the head gives it away."""
    make_chain(4)
    head = audit.chain_head()
    run_sql("DELETE FROM core_auditentry WHERE seq = 2")
    prev = AuditEntry.objects.get(seq=1)
    for entry in AuditEntry.objects.filter(seq__gt=2).order_by("seq"):
        AuditEntry.objects.filter(pk=entry.pk).update(seq=entry.seq - 1, hash=f"tmp{entry.seq}")
        entry.seq, entry.prev_hash = entry.seq - 1, prev.hash
        entry.hash = audit.compute_hash(entry)
        entry.save()
        prev = entry
    assert audit.verify() == []
    assert [p.seq for p in audit.verify(expect_head=head)] == [4]


# --- Transactions.


@pytest.mark.django_db
def test_action_rolled_back_leaves_no_entry():
    user = User.objects.create_user("lanh_dao", password=PASSWORD)
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        UserRole.objects.create(user=user, role=Role.AGENCY_LEADER)
        audit.record("test.inside")
        raise RuntimeError("nghiệp vụ thất bại")
    assert AuditEntry.objects.count() == before
    entry = audit.record("test.after")
    assert entry.seq == before + 1
    assert audit.verify() == []


# --- The command.


@pytest.mark.django_db
def test_command_reports_intact_log_and_its_head(capsys):
    entries = make_chain(3)
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Nhật ký kiểm toán toàn vẹn: 3 bản ghi" in out
    assert f"3:{entries[-1].hash}" in out
    call_command("verify_audit", expect_head=f"3:{entries[-1].hash}")


@pytest.mark.django_db
def test_command_fails_and_names_the_bad_row(capsys):
    make_chain(4)
    run_sql("UPDATE core_auditentry SET action = 'test.hidden' WHERE seq = 2")
    with pytest.raises(CommandError, match="1 vấn đề"):
        call_command("verify_audit")
    assert "#2:" in capsys.readouterr().err


@pytest.mark.django_db
def test_command_checks_the_expected_head(capsys):
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
def test_login_success_failure_and_logout_are_recorded(client, settings):
    settings.LOGIN_REDIRECT_URL = settings.LOGOUT_REDIRECT_URL = "/admin/"
    staff = User.objects.create_user("quantri", password=PASSWORD, is_staff=True)
    client.post("/admin/login/", {"username": "quantri", "password": "sai-mat-khau"})
    response = client.post("/admin/login/", {"username": "quantri", "password": PASSWORD})
    assert response.status_code == 302
    client.post("/admin/logout/")
    assert actions() == ["user.created", "auth.login_failed", "auth.login", "auth.logout"]
    failed, login, logout = AuditEntry.objects.order_by("seq")[1:]
    assert failed.actor_id is None and failed.data == {"username": "quantri"}
    assert "sai-mat-khau" not in json.dumps(failed.data)
    assert failed.ip_address == "127.0.0.1"
    assert (login.actor_id, login.actor_name) == (staff.pk, "quantri")
    assert login.target_id == str(staff.pk)
    assert logout.actor_id == staff.pk
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
    granted, revoked = AuditEntry.objects.filter(action__startswith="role.").order_by("seq")
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
def test_deleting_a_user_keeps_the_chain_intact():
    user = User.objects.create_user("nghi_viec", password=PASSWORD)
    audit.record("test.by_user", actor=user)
    user.delete()
    assert "user.deleted" in actions()
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
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
    assert audit.verify() == []
