"""Real servers for the tests: the gateway and the catalogue provider each run their aiohttp
application on a free port, in a thread with its own event loop; clients call them over HTTP."""

from __future__ import annotations

import asyncio
import json
import threading
import time
import urllib.error
import urllib.request
import uuid

import jwt
from aiohttp import web

AUDIENCE = "tinhso-lgsp"


class ServerThread:
    def __init__(self, app: web.Application):
        self.app = app
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
            site = web.TCPSite(self.runner, "127.0.0.1", 0)
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
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        future = asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop)
        future.result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)


def assertion(key, issuer: str, *, audience: str = AUDIENCE, lifetime: int = 60,
              jti: str | None = None, now: float | None = None) -> str:
    now = time.time() if now is None else now
    return jwt.encode({"iss": issuer, "aud": audience, "iat": int(now),
                       "exp": int(now) + lifetime, "jti": jti or uuid.uuid4().hex},
                      key, algorithm="EdDSA")


def call(url: str, *, token: str | None = None, method: str = "GET", body: bytes | None = None,
         headers: dict | None = None, timeout: float = 30):
    """(status, headers, body bytes) of one HTTP exchange; errors are answers too."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def as_json(body: bytes):
    return json.loads(body.decode("utf-8"))
