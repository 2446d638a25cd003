"""Crash safety of the one-stop engine with real processes: gunicorn and `tinhso db_worker`.

1. The web server is killed (SIGKILL, whole process group) in the middle of a submission
   load and started again. Every submission that got a success answer exists exactly once
   with its SUBMIT event and components; no dossier is half-written; client retries with the
   same Idempotency-Key after the crash create nothing twice; codes stay gap-free.
2. The background worker is killed in the middle of sending notifications and started again.
   Every notification is sent (the restarted worker requeues the send the dead one had
   claimed); at most the one in flight at the kill is sent twice.

The subprocesses must share the test database, so this runs on PostgreSQL only: pytest's
SQLite test database lives in the test process's memory and no other process can open it.
"""

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tinhso.dossiers import lifecycle
from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.dossiers.tests.conftest import citizen_applicant, province, submit_online
from tinhso.notify.models import Notification

__all__ = ["province"]  # the fixture, re-exported for this module's tests

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CSRF = "c" * 32


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: gunicorn and the worker must open the test database, "
                    "and pytest's SQLite test database exists only in the test process")


def _database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres", safe="")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"], safe="")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env(tmp_path, **extra) -> dict:
    return {**os.environ, "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "tests.crash_settings",
            "TINHSO_SECRET_KEY": settings.SECRET_KEY,
            "TINHSO_TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "TINHSO_MEDIA_ROOT": str(tmp_path / "media"),
            "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            "CRASH_SMS_LOG": str(tmp_path / "sms.log"), **extra}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proc:
    """A subprocess in its own process group, so SIGKILL reaches all its children."""

    def __init__(self, args, env, log: Path):
        self.log = log.open("ab")
        self.popen = subprocess.Popen(args, env=env, cwd=ROOT, stdout=self.log,
                                      stderr=subprocess.STDOUT, start_new_session=True)

    def signal(self, sig) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)
        self.log.close()


def _gunicorn(tmp_path, port: int) -> Proc:
    proc = Proc([str(BIN / "gunicorn"), "tinhso.wsgi:application", "-w", "2",
                 "-b", f"127.0.0.1:{port}", "--timeout", "30"],
                _env(tmp_path), tmp_path / "gunicorn.log")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/", timeout=2)
            return proc
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    proc.kill()
    pytest.fail("gunicorn did not start: " + (tmp_path / "gunicorn.log").read_text()[-2000:])


def _worker(tmp_path) -> Proc:
    return Proc([str(BIN / "tinhso"), "db_worker", "--queue-name", "*", "--interval", "0.1",
                 "--no-startup-delay"], _env(tmp_path, CRASH_SMS_DELAY="0.1"),
                tmp_path / "worker.log")


def _session(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "tinhso.core.auth.AccountBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _post(port: int, session: str, body: dict, key: str) -> tuple[int, dict]:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/dossiers/", data=json.dumps(body).encode(),
        method="POST", headers={"Content-Type": "application/json", "Accept": "application/json",
                                "Cookie": f"sessionid={session}; csrftoken={CSRF}",
                                "X-CSRFToken": CSRF, "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(req, timeout=20) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, {"error": exc.read()[:300].decode(errors="replace")}


def _payload(p, i: int, refs: tuple[str, str]) -> dict:
    """Submission number i: the citizen's own, reusing papers of an earlier dossier (`refs`),
    with a paper name of its own so that each payload differs."""
    return {"procedure": p.procedure.code, "agency": p.agency.code,
            "applicant": {"kind": "citizen", "name": "Trần Văn Dân",
                          "id_number": p.citizen.personal_id, "phone": "0912345678"},
            "components": [{"component_id": p.form.pk, "name": f"Tờ khai {i}",
                            "reused_from": refs[0]},
                           {"component_id": p.id_copy.pk, "name": "Căn cước",
                            "reused_from": refs[1]}]}


def test_killed_server_loses_no_answered_submission(province, tmp_path):
    p = province
    session = _session(p.citizen)
    earlier = submit_online(p, at_=timezone.now())  # the papers the submissions reuse
    refs = tuple(f"GT-{c.pk}" for c in earlier.components.order_by("component__order"))
    port = _free_port()
    server = _gunicorn(tmp_path, port)
    answered: dict[str, str] = {}  # Idempotency-Key -> code of a 201/200 answer
    unanswered: dict[str, int] = {}  # key -> payload number, for the client's retry
    stop = threading.Event()
    lock = threading.Lock()
    counter = iter(range(1_000_000))

    def client():
        while not stop.is_set():
            with lock:
                i = next(counter)
            key = uuid.uuid4().hex
            try:
                status, body = _post(port, session, _payload(p, i, refs), key)
            # A refused connection, or an answer cut off when the server died while writing
            # it (IncompleteRead): no answer, so the client retries with the same key.
            except (OSError, http.client.HTTPException):
                with lock:
                    unanswered[key] = i
                continue
            with lock:
                if status in (200, 201):
                    answered[key] = body["code"]
                else:
                    unanswered[key] = i

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(answered) < 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # mid-load: requests are in flight
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(answered) >= 25, (tmp_path / "gunicorn.log").read_text()[-2000:]

    server = _gunicorn(tmp_path, port)
    try:
        # The client retries what got no answer, with the same key: one dossier per key.
        for key, i in list(unanswered.items()):
            status, body = _post(port, session, _payload(p, i, refs), key)
            assert status in (200, 201), body
            answered[key] = body["code"]
        for key in list(answered)[:3]:  # a replay of an answered key
            status, body = _post(port, session, _payload(p, 0, refs), key)
            assert status in (200, 409)
    finally:
        server.kill()

    prefix = f"{p.citizen.pk}:"
    dossiers = Dossier.objects.filter(idempotency_key__startswith=prefix)
    by_key = Counter(dossiers.values_list("idempotency_key", flat=True))
    assert all(n == 1 for n in by_key.values())
    for key, code in answered.items():
        d = Dossier.objects.get(idempotency_key=prefix + key)
        assert d.code == code
    assert dossiers.count() == len(answered)  # nothing beyond what was answered or retried
    # No half-written dossier: each has its one SUBMIT event and both components.
    for d in Dossier.objects.all():
        assert list(d.events.values_list("action", flat=True)) == ["submit"], d.code
        assert d.components.count() == 2, d.code
    assert DossierEvent.objects.count() == Dossier.objects.count()
    # Gap-free codes: a crashed transaction gave its number back with everything else.
    numbers = sorted(int(re.findall(r"\d+", c)[-1])
                     for c in Dossier.objects.values_list("code", flat=True))
    assert numbers == list(range(1, len(numbers) + 1))


def test_killed_worker_loses_no_notification(province, tmp_path):
    p = province
    count = 30
    dossiers = [submit_online(p, applicant=citizen_applicant(f"025095{i:06d}"))
                for i in range(count)]
    for d in dossiers:  # receiving notifies the applicant: an outbox row and a queued send
        lifecycle.receive(p.officer, d.pk)
    rows = Notification.objects.filter(channel=Notification.Channel.SMS)
    assert rows.count() == count
    sms_log = tmp_path / "sms.log"

    running = DBTaskResult.objects.filter(status="RUNNING",
                                          task_path__endswith="send_notification")
    worker = _worker(tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if sms_log.exists() and len(sms_log.read_text().splitlines()) >= 5:
            # Freeze the worker before looking, so the send seen running is still claimed
            # when the kill lands (each send takes 0.1 s; between two sends none is).
            worker.signal(signal.SIGSTOP)
            if running.exists():
                break
            worker.signal(signal.SIGCONT)
        time.sleep(0.01)
    worker.kill()  # mid-queue and mid-send
    sent_before = len(sms_log.read_text().splitlines())
    assert 5 <= sent_before < count, "the worker should be stopped in the middle of the queue"

    # The send the dead worker had claimed will never finish by itself.
    assert running.count() == 1

    worker = _worker(tmp_path)
    try:
        # The send claimed by the killed worker stays "running" in the task table; the new
        # worker's sweep of lost sends (notify.tasks) queues its outbox row again.
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if not rows.exclude(status=Notification.Status.SENT).exists():
                break
            time.sleep(0.2)
    finally:
        worker.kill()

    assert list(rows.exclude(status=Notification.Status.SENT)
                .values_list("pk", "status", "attempts")) == []
    texts = Counter(sms_log.read_text().splitlines())
    for d in dossiers:
        d.refresh_from_db()
        assert sum(n for text, n in texts.items() if d.code in text) >= 1, d.code
    assert sum(texts.values()) - count <= 1  # only the send in flight at the kill repeats
