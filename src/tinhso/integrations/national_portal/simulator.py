"""A simulator of the national public service portal's dossier synchronisation, speaking the
same protocol as the real adapter (see the package's docstring):

    POST /auth           {"username", "password"} -> {"session", "error_code": 0}
    POST /integration    {"session", "madonvi", "service", ...}: DongBoHoSoMC,
                         CapNhatTienDoHoSoMC, TraCuuHoSo; "error_code": "00" acknowledges
    GET  /healthz

and, for tests and the demo only (no such thing on the real portal):

    POST /_sim/outage    {"down": true|false}: answer 503 to everything else while down
    GET  /_sim/dossiers/<MaHoSo>   what the portal holds: the record, the states it went
                         through in order, the progress entries
    GET  /_sim/stats     counts of calls, records and refusals
    GET  /_sim/acks      when each dossier was first acknowledged (Unix time), for the bench

A call is checked whole before anything is kept: one bad record refuses the batch. Standard
library only, so that it runs as its own process (`tinhso national_portal`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from http.server import ThreadingHTTPServer

from tinhso.integrations.simulators import JsonHandler

DATE = re.compile(r"^\d{14}$")
SESSION_INVALID, REFUSED = "-2", "-1"
REQUIRED = ("MaHoSo", "MaTTHC", "ChuHoSo", "NgayTiepNhan", "TrangThaiHoSo")
STATES = {str(n) for n in range(1, 11)}
DATES = ("NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy")
MAX_BODY = 20 * 1024 * 1024


class Refusal(Exception):
    def __init__(self, message: str, code: str = REFUSED):
        super().__init__(message)
        self.code = code


class Portal:
    """What the portal holds, and the accounts that may log in."""

    def __init__(self, accounts: dict[str, str]):
        self.accounts = accounts
        self.sessions: set[str] = set()
        self.dossiers: dict[str, dict] = {}
        self.states: dict[str, list[str]] = {}
        self.progress: dict[str, list[dict]] = {}
        self.acknowledged_at: dict[str, float] = {}  # first acknowledgement, Unix time
        self.down = False
        self.calls = 0
        self.refusals = 0
        self._lock = threading.Lock()

    def login(self, body: dict) -> dict:
        if self.accounts.get(body.get("username")) != body.get("password") or not \
                body.get("password"):
            raise Refusal("Sai tên đăng nhập hoặc mật khẩu.")
        session = secrets.token_urlsafe(24)
        with self._lock:
            self.sessions.add(session)
        return {"session": session, "error_code": 0}

    def call(self, body: dict) -> dict:
        if body.get("session") not in self.sessions:
            raise Refusal("Phiên làm việc không hợp lệ hoặc đã hết hạn.", SESSION_INVALID)
        if not body.get("madonvi"):
            raise Refusal("Thiếu mã đơn vị (madonvi).")
        service = body.get("service")
        if service == "DongBoHoSoMC":
            return self._sync(body)
        if service == "CapNhatTienDoHoSoMC":
            return self._progress(body)
        if service == "TraCuuHoSo":
            with self._lock:
                held = str(body.get("mahoso", "")) in self.dossiers
            return {"error_code": "00", "result": held}
        raise Refusal(f"Dịch vụ không tồn tại: {service!r}.")

    def _sync(self, body: dict) -> dict:
        updating = body.get("isUpdating")
        if updating not in ("True", "False"):
            raise Refusal('isUpdating phải là "True" hoặc "False".')
        records = _records(body)
        for r in records:
            missing = [f for f in REQUIRED if not str(r.get(f, "")).strip()]
            if missing:
                raise Refusal(f"Hồ sơ {r.get('MaHoSo')!r} thiếu {', '.join(missing)}.")
            if str(r["TrangThaiHoSo"]) not in STATES:
                raise Refusal(f"Hồ sơ {r['MaHoSo']}: TrangThaiHoSo không hợp lệ.")
            for name in DATES:
                if r.get(name) and not DATE.match(str(r[name])):
                    raise Refusal(f"Hồ sơ {r['MaHoSo']}: {name} phải có dạng yyyyMMddHHmmss.")
        now = time.time()
        with self._lock:
            for r in records:
                held = r["MaHoSo"] in self.dossiers
                if updating == "False" and held:
                    raise Refusal(f"Hồ sơ {r['MaHoSo']} đã có trên Cổng; gửi isUpdating True.")
                if updating == "True" and not held:
                    raise Refusal(f"Hồ sơ {r['MaHoSo']} chưa có trên Cổng; gửi isUpdating "
                                  "False.")
            for r in records:
                code = r["MaHoSo"]
                self.dossiers[code] = r
                states = self.states.setdefault(code, [])
                if not states or states[-1] != str(r["TrangThaiHoSo"]):
                    states.append(str(r["TrangThaiHoSo"]))
                self.acknowledged_at.setdefault(code, now)
        return {"error_code": "00", "message": f"Đã nhận {len(records)} hồ sơ."}

    def _progress(self, body: dict) -> dict:
        entries = _records(body)
        with self._lock:
            for e in entries:
                if e.get("MaHoSo") not in self.dossiers:
                    raise Refusal(f"Hồ sơ {e.get('MaHoSo')!r} chưa có trên Cổng.")
                if not DATE.match(str(e.get("ThoiDiemXuLy", ""))):
                    raise Refusal("ThoiDiemXuLy phải có dạng yyyyMMddHHmmss.")
            for e in entries:
                self.progress.setdefault(e["MaHoSo"], []).append(e)
        return {"error_code": "00", "message": f"Đã nhận {len(entries)} bước xử lý."}

    def held(self, code: str) -> dict | None:
        with self._lock:
            if code not in self.dossiers:
                return None
            return {"record": self.dossiers[code], "states": list(self.states[code]),
                    "progress": list(self.progress.get(code, []))}

    def stats(self) -> dict:
        with self._lock:
            return {"calls": self.calls, "refusals": self.refusals,
                    "dossiers": len(self.dossiers),
                    "progress": sum(len(v) for v in self.progress.values()), "down": self.down}


def _records(body: dict) -> list[dict]:
    data = body.get("data")
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        raise Refusal("data phải là danh sách bản ghi, không rỗng.")
    return data


class Handler(JsonHandler):
    server: Server

    def do_GET(self):
        portal = self.server.portal
        if self.path == "/healthz":
            return self._answer(200, {"status": "ok"})
        if self.path == "/_sim/stats":
            return self._answer(200, portal.stats())
        if self.path == "/_sim/acks":
            with portal._lock:
                return self._answer(200, dict(portal.acknowledged_at))
        if self.path.startswith("/_sim/dossiers/"):
            held = portal.held(self.path.removeprefix("/_sim/dossiers/"))
            return self._answer(200 if held else 404, held or {"error": "không có"})
        return self._answer(404, {"error": "không có"})

    def do_POST(self):
        portal = self.server.portal
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"error_code": REFUSED, "message": "Dữ liệu quá lớn."})
        raw = self.rfile.read(length)
        if self.path == "/_sim/outage":
            portal.down = bool(json.loads(raw or b"{}").get("down"))
            return self._answer(200, portal.stats())
        if portal.down:
            return self._answer(503, {"message": "Cổng đang bảo trì."})
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return self._answer(400, {"error_code": REFUSED, "message": "Không phải JSON."})
        with portal._lock:
            portal.calls += 1
        try:
            if self.path == "/auth":
                return self._answer(200, portal.login(body))
            if self.path == "/integration":
                return self._answer(200, portal.call(body))
            return self._answer(404, {"error_code": REFUSED, "message": "Không có địa chỉ."})
        except Refusal as refusal:
            with portal._lock:
                portal.refusals += 1
            return self._answer(200, {"error_code": refusal.code, "message": str(refusal)})



class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, portal: Portal):
        super().__init__(address, Handler)
        self.portal = portal


def make_server(host: str, port: int, accounts: dict[str, str]) -> Server:
    return Server((host, port), Portal(accounts))
