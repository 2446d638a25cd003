"""Real servers for the tests: the gateway and the catalogue provider each run their aiohttp
application on a free port, in a thread with its own event loop (ServerThread), or as their own
`tinhso` process (CommandProcess); clients call them over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import jwt
from aiohttp import web

AUDIENCE = "tinhso-lgsp"


class ServerThread:
    def __init__(self, app: web.Application, ssl_context=None):
        self.app, self.ssl_context = app, ssl_context
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.port = 0
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        try:
            self.runner = web.AppRunner(self.app, access_log=None)
            self.loop.run_until_complete(self.runner.setup())
            site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
        except BaseException as exc:  # reported to the test by start()
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        self.loop.run_forever()

    def start(self) -> ServerThread:
        self.thread.start()
        self.ready.wait(30)
        if self.error is not None:
            raise self.error
        return self

    @property
    def url(self) -> str:
        return f"{'https' if self.ssl_context else 'http'}://127.0.0.1:{self.port}"

    def stop(self):
        future = asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop)
        future.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url_for_process(folder) -> str:
    """What another process must use to see this test's database: PostgreSQL's test database
    by name, or for SQLite (in memory in tests) a copy of it in a file, made now: later
    changes on either side are not seen by the other."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        user = db["USER"] or "postgres"
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
                f"/{db['NAME']}")
    path = os.path.join(folder, "process.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


class CommandProcess:
    """`tinhso <command> --port N` as its own process, ready once GET /healthz answers 200;
    stopped with SIGTERM (the gateway then writes the records still queued)."""

    def __init__(self, *command: str, env: dict | None = None, context=None):
        self.command, self.port, self.context = command, free_port(), context
        self.env = {**os.environ, "TINHSO_DB_PREPARED": "0", **(env or {})}
        self.errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by stop())
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.context else 'http'}://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> CommandProcess:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tinhso", *self.command, "--port", str(self.port)],
            env=self.env, stdout=subprocess.DEVNULL, stderr=self.errors)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if call(self.url + "/healthz", timeout=1, context=self.context)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        errors = self.stderr()
        self.stop()
        raise RuntimeError(f"{' '.join(self.command)} did not start:\n{errors}")

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")[-4000:]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.errors.close()


def assertion(key, issuer: str, *, audience: str = AUDIENCE, lifetime: int = 60,
              jti: str | None = None, now: float | None = None, kid: str | None = None) -> str:
    now = time.time() if now is None else now
    return jwt.encode({"iss": issuer, "aud": audience, "iat": int(now),
                       "exp": int(now) + lifetime, "jti": jti or uuid.uuid4().hex},
                      key, algorithm="EdDSA", headers={"kid": kid} if kid else None)


def call(url: str, *, token: str | None = None, method: str = "GET", body: bytes | None = None,
         headers: dict | None = None, timeout: float = 30, context=None):
    """(status, headers, body bytes) of one HTTP exchange; errors are answers too. `context`:
    the client's TLS context for https (trust, and its certificate for mutual TLS)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def as_json(body: bytes):
    return json.loads(body.decode("utf-8"))
