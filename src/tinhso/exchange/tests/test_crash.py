"""A SIGKILL of the gateway under load loses no record of an exchange that was answered: the
gateway runs as its own process (`tinhso gateway`), clients call it from several threads, it
is killed with signal 9 mid-load, and every 2xx a client received must be in the log, which
must still verify (`tinhso verify_exchange_log`, exit 0)."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

import pytest
from django.db import connection

from tinhso.exchange import services
from tinhso.exchange.models import MessageRecord

from .conftest import CLIENT
from .harness import as_json, assertion, call

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/r1/GOV/000.00.00.H41/DMDC/bulk/v1/_sim/echo"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path) -> str:
    """The gateway process must see this test's database: PostgreSQL's test database by name,
    or for SQLite (in memory here) a copy of it in a file, made once the registry is in."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}")
    path = tmp_path / "gateway.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _logged_ids(database_url: str) -> set[str]:
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return {r[0] for r in db.execute("SELECT exchange_id FROM exchange_messagerecord")}
    return set(MessageRecord.objects.values_list("exchange_id", flat=True))


def test_sigkill_under_load_loses_no_answered_exchange(world, tmp_path, settings):
    bulk = services.register_service(world["operator"], provider=world["catalogues"].provider,
                                     code="bulk", name="Tải lớn",
                                     base_url=world["catalogues"].base_url,
                                     rate_limit=100_000, burst=100_000)
    services.grant(world["operator"], client=world["client"], service=bulk)
    database_url = _database_url(tmp_path)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url,
           "TINHSO_EXCHANGE_ANCHOR_PATH": str(settings.TINHSO_EXCHANGE_ANCHOR_PATH),
           "TINHSO_EXCHANGE_SIGNING_KEY_FILE": str(settings.TINHSO_EXCHANGE_SIGNING_KEY_FILE),
           "TINHSO_DB_PREPARED": "0"}
    gateway = subprocess.Popen([sys.executable, "-m", "tinhso", "gateway", "--port", str(port)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if call(base + "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail(gateway.stderr.read().decode())
        answered: list[str] = []
        stop = threading.Event()

        def client():
            while not stop.is_set():
                try:
                    status, headers, body = call(base + URL, token=assertion(world["key"],
                                                                            CLIENT),
                                                 method="POST", body=b"ho-so", timeout=5)
                except OSError:
                    return  # the gateway is gone
                if 200 <= status < 300:
                    answered.append(headers["X-Exchange-Id"])
                    assert as_json(body)["body"] == "ho-so"

        threads = [threading.Thread(target=client) for _ in range(8)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + 20
        while len(answered) < 300 and time.monotonic() < deadline:
            time.sleep(0.02)
        gateway.send_signal(signal.SIGKILL)  # under load: requests are in flight
        gateway.wait(10)
        stop.set()
        for t in threads:
            t.join(10)
    finally:
        if gateway.poll() is None:
            gateway.kill()
            gateway.wait(10)
    assert len(answered) >= 300, "the load never reached the gateway"
    logged = _logged_ids(database_url)
    missing = set(answered) - logged
    assert not missing, f"{len(missing)} answered exchanges are not in the log"
    verify = subprocess.run([sys.executable, "-m", "tinhso", "verify_exchange_log"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert verify.returncode == 0, verify.stderr
    assert f"{len(logged)} bản ghi" in verify.stdout
