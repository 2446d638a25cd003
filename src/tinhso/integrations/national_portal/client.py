"""The adapter for the national public service portal: tinhso's dossiers and events as the
portal's records, sent over HTTP (standard library: the worker needs nothing more)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _

from tinhso.dossiers.models import Dossier, DossierEvent
from tinhso.dossiers.portal_port import PortalRefused, PortalUnavailable
from tinhso.dossiers.transitions import Action
from tinhso.exchange import assertions

VN = ZoneInfo("Asia/Ho_Chi_Minh")
DATE_FORMAT = "%Y%m%d%H%M%S"
ACK = ("00", "0")
SYNC, PROGRESS, LOOKUP = "DongBoHoSoMC", "CapNhatTienDoHoSoMC", "TraCuuHoSo"


def portal_date(at) -> str:
    return at.astimezone(VN).strftime(DATE_FORMAT) if at else ""


def _flag(value: bool) -> str:
    return "1" if value else "0"


def dossier_record(d: Dossier) -> dict:
    """A dossier as DongBoHoSoMC carries it. Expects procedure, its sector, the agencies and
    the case joined, and components, results, payments and supplement requests prefetched."""
    procedure = d.procedure
    return {
        "MaHoSo": d.code, "MaTTHC": procedure.code, "TenTTHC": procedure.name,
        "MaLinhVuc": procedure.sector.code, "TenLinhVuc": procedure.sector.name,
        "KenhThucHien": str(d.channel), "ChuHoSo": d.applicant_name,
        "LoaiDoiTuong": "2" if d.applicant_kind == "organisation" else "1",
        "MaDoiTuong": d.applicant_id_number, "ThongTinKhac": "", "Email": d.applicant_email,
        "Fax": "", "SoDienThoai": d.applicant_phone,
        "TrichYeuHoSo": procedure.name if d.case is None else f"{procedure.name} ({d.case.name})",
        "NgayTiepNhan": portal_date(d.received_at or d.submitted_at),
        "NgayHenTra": portal_date(d.due_at), "TrangThaiHoSo": str(d.status),
        "NgayTra": portal_date(d.returned_at), "ThongTinTra": "", "HinhThuc": "0",
        "NgayKetThucXuLy": portal_date(d.finished_at or d.closed_at),
        "DonViXuLy": d.current_agency.name, "GhiChu": "",
        "HoSoCoThanhPhanSoHoa": _flag(d.has_digitized_components),
        "TaiKhoanDuocXacThucVoiVNeID": _flag(d.vneid_verified),
        "DuocThanhToanTrucTuyen": "2" if d.paid_online else "0",
        "TaiLieuNop": [{"TenTepDinhKem": c.name, "DuocSoHoa": _flag(c.is_digitized),
                        "DuocLayTuKhoDMQG": _flag(bool(c.reused_from))}
                       for c in d.components.all()],
        "DanhSachLePhi": [{"TenPhiLePhi": p.get_method_display(), "Gia": str(p.amount),
                           "HinhThucThu": str(p.method)} for p in d.payments.all()],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [{"NgayYeuCauBoSung": portal_date(s.requested_at),
                                "NoiDungYeuCauBoSung": s.reasons,
                                "NgayTiepNhanBoSung": portal_date(s.resolved_at)}
                               for s in d.supplement_requests.all()],
        "DanhSachGiayToKetQua": [{"TenGiayTo": r.name, "MaGiayToKetQua": r.number,
                                  "LaKetQuaDienTu": _flag(r.is_electronic)}
                                 for r in d.results.all()],
    }


def progress_record(e: DossierEvent) -> dict:
    """An event as a CapNhatTienDoHoSoMC entry. Expects its dossier and agency joined."""
    content = str(Action(e.action).label) if e.action in Action.values else e.action
    return {
        "MaHoSo": e.dossier.code, "NguoiXuLy": e.actor_name, "ChucDanh": "",
        "ThoiDiemXuLy": portal_date(e.at), "PhongBanXuLy": e.agency.name,
        "NoiDungXuLy": f"{content}: {e.note}" if e.note else content,
        "TrangThai": str(e.to_status), "NgayBatDau": portal_date(e.at),
        "NgayKetThucTheoQuyDinh": portal_date(e.dossier.due_at),
    }


class DvcqgPortal:
    """The national portal at TINHSO_NATIONAL_PORTAL_URL (its adapter's base address:
    `<url>/auth` logs in, `<url>/integration` takes every call), as the province's account.
    A session is kept and renewed once when a call is refused (an expired session)."""

    def __init__(self, *, url: str | None = None, username: str | None = None,
                 password: str | None = None, agency_code: str | None = None,
                 timeout: float | None = None):
        self.url = (url or settings.TINHSO_NATIONAL_PORTAL_URL).rstrip("/")
        if not self.url.startswith(("http://", "https://")):
            raise ValueError("TINHSO_NATIONAL_PORTAL_URL must be an http(s) address")
        self.username = username or settings.TINHSO_NATIONAL_PORTAL_USERNAME
        self.password = password or settings.TINHSO_NATIONAL_PORTAL_PASSWORD
        self.agency_code = agency_code or settings.TINHSO_NATIONAL_PORTAL_AGENCY_CODE
        self.timeout = timeout or settings.TINHSO_NATIONAL_PORTAL_TIMEOUT
        self._session: str | None = None
        self._lock = threading.Lock()

    # --- the port

    def holds(self, code: str) -> bool:
        answer = self._call(LOOKUP, mahoso=code)
        return bool(answer.get("result"))

    def sync(self, dossiers: Sequence[Dossier], *, updating: bool) -> None:
        self._call(SYNC, isUpdating="True" if updating else "False",
                   data=[dossier_record(d) for d in dossiers])

    def progress(self, events: Sequence[DossierEvent]) -> None:
        self._call(PROGRESS, data=[progress_record(e) for e in events])

    # --- the protocol

    def _call(self, service: str, **body) -> dict:
        answer = self._post("/integration", self._body(service, body))
        if _acknowledged(answer):
            return answer
        self._session = None  # perhaps an expired session: log in again, once
        answer = self._post("/integration", self._body(service, body))
        if _acknowledged(answer):
            return answer
        raise PortalRefused(_("Cổng DVC quốc gia từ chối %(service)s: mã %(code)s, %(message)s")
                            % {"service": service, "code": answer.get("error_code"),
                               "message": answer.get("message") or answer.get("error") or ""})

    def _body(self, service: str, body: dict) -> dict:
        return {"session": self._login(), "madonvi": self.agency_code, "service": service,
                **body}

    def _login(self) -> str:
        with self._lock:
            if self._session is None:
                answer = self._post("/auth", {"username": self.username,
                                              "password": self.password})
                if not _acknowledged(answer) or not answer.get("session"):
                    # The account, not a dossier: nothing is failed, everything waits.
                    raise PortalUnavailable(_("Cổng DVC quốc gia không cho đăng nhập: %(message)s")
                                        % {"message": answer.get("message") or ""})
                self._session = answer["session"]
            return self._session

    def _post(self, path: str, body: dict) -> dict:
        request = urllib.request.Request(  # noqa: S310 - http(s), checked in __init__
            self.url + path, data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8",
                     **assertions.header_for(self.url)}, method="POST")
        try:
            tls = assertions.tls_context_for(self.url)
            with urllib.request.urlopen(request, timeout=self.timeout,  # noqa: S310
                                        context=tls) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise PortalUnavailable(_("Cổng DVC quốc gia trả lời HTTP %(status)s.")
                                    % {"status": exc.code} + assertions.refusal(exc)) from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PortalUnavailable(_("Không kết nối được Cổng DVC quốc gia: %(reason)s")
                                    % {"reason": reason}) from exc
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise PortalUnavailable(_("Cổng DVC quốc gia trả lời không đúng giao thức "
                                      "(không phải JSON).")) from exc
        if not isinstance(answer, dict):
            raise PortalUnavailable(_("Cổng DVC quốc gia trả lời không đúng giao thức."))
        return answer


def _acknowledged(answer: dict) -> bool:
    return str(answer.get("error_code")) in ACK
