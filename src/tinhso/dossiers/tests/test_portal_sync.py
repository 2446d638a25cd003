"""Dossier changes reach the national portal (its simulator, over real HTTP): at least once,
in order per dossier, nothing lost while it is down, failures visible with their reason."""

import json
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tinhso.dossiers import lifecycle, portal_sync
from tinhso.dossiers.models import Dossier, Status, SyncState
from tinhso.integrations.national_portal import DvcqgPortal
from tinhso.integrations.national_portal.simulator import make_server
from tinhso.integrations.simulators import running

from .conftest import at, drive, submit_online

ACCOUNT = ("tinhso-test", "mat-khau-thu")


@pytest.fixture
def sim():
    server = make_server("127.0.0.1", 0, {ACCOUNT[0]: ACCOUNT[1]})
    with running(server):
        yield server


def _url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def portal(sim):
    return DvcqgPortal(url=_url(sim), username=ACCOUNT[0], password=ACCOUNT[1],
                       agency_code="H44", timeout=2)


def _held(sim, code):
    return sim.portal.held(code)


def _outage(sim, down: bool):
    request = urllib.request.Request(_url(sim) + "/_sim/outage", method="POST",
                                     data=json.dumps({"down": down}).encode())
    urllib.request.urlopen(request, timeout=2).close()


def test_a_new_dossier_and_each_change_reach_the_portal_in_order(province, sim, portal):
    d = submit_online(province)
    assert d.sync_state == SyncState.PENDING

    report = portal_sync.sync_batch(portal)
    assert (report.sent, report.failed, report.unavailable) == (1, 0, "")
    held = _held(sim, d.code)
    assert held["record"]["MaTTHC"] == province.procedure.code
    assert held["record"]["TrangThaiHoSo"] == "1"
    assert held["record"]["LoaiDoiTuong"] == "1"
    assert [e["TrangThai"] for e in held["progress"]] == ["1"]
    d.refresh_from_db()
    assert d.sync_state == SyncState.SYNCED and d.synced_at is not None

    d = drive(province, d, Status.PROCESSING)  # received, then started
    d.refresh_from_db()
    assert d.sync_state == SyncState.PENDING  # a change is owed to the portal again
    portal_sync.sync_batch(portal)
    held = _held(sim, d.code)
    assert held["states"] == ["1", "4"]
    assert [e["TrangThai"] for e in held["progress"]] == ["1", "2", "4"]  # each step once
    assert held["record"]["NgayTiepNhan"] == "20260213100000"  # Vietnam's time, portal format
    assert Dossier.objects.get(pk=d.pk).sync_state == SyncState.SYNCED


def test_the_dossier_api_shows_what_the_portal_acknowledged(province, sim, portal):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(province.officer)
    d = submit_online(province)

    def shown():
        body = api.get(f"/api/v1/dossiers/{d.code}/").json()
        return body["sync_state"], body["sync_state_label"], body["synced_at"], body["sync_error"]

    assert shown() == ("pending", "Chờ đồng bộ", None, "")
    portal_sync.sync_batch(portal)
    state, label, synced_at, error = shown()
    assert (state, label, error) == ("synced", "Đã đồng bộ", "") and synced_at
    drive(province, d, Status.PROCESSING)
    Dossier.objects.filter(pk=d.pk).update(applicant_name="")  # the portal requires ChuHoSo
    portal_sync.sync_batch(portal)
    state, label, _at, error = shown()
    assert (state, label) == ("failed", "Đồng bộ lỗi") and "ChuHoSo" in error


def test_nothing_is_lost_while_the_portal_is_down_and_the_backlog_drains(province, sim,
                                                                          portal):
    dossiers = [submit_online(province, idempotency_key=f"k{i}") for i in range(5)]
    _outage(sim, True)
    report = portal_sync.sync_batch(portal)
    assert report.sent == 0 and "HTTP 503" in report.unavailable
    # Still owed, not failed, and the operator reads why.
    assert set(Dossier.objects.values_list("sync_state", flat=True)) == {SyncState.PENDING}
    assert all("503" in e for e in Dossier.objects.values_list("sync_error", flat=True))

    lifecycle.receive(province.officer, dossiers[0], at=at(2026, 2, 13, 10))  # a change meanwhile
    _outage(sim, False)
    report = portal_sync.sync_batch(portal)
    assert report.sent == 5 and not report.unavailable
    assert sim.portal.stats()["dossiers"] == 5
    assert _held(sim, dossiers[0].code)["states"] == ["2"]  # the newest state, sent once
    assert not Dossier.objects.exclude(sync_state=SyncState.SYNCED).exists()
    assert set(Dossier.objects.values_list("sync_error", flat=True)) == {""}


def test_a_refused_record_holds_back_only_itself_and_shows_the_portals_reason(
        province, sim, portal):
    good = submit_online(province, idempotency_key="good")
    bad = submit_online(province, idempotency_key="bad")
    Dossier.objects.filter(pk=bad.pk).update(applicant_name="")  # the portal requires ChuHoSo

    report = portal_sync.sync_batch(portal)
    assert (report.sent, report.failed) == (1, 1)
    assert _held(sim, good.code) is not None and _held(sim, bad.code) is None
    bad.refresh_from_db()
    assert bad.sync_state == SyncState.FAILED
    assert "thiếu ChuHoSo" in bad.sync_error and bad.sync_attempts == 1
    assert bad.sync_retry_at is not None
    # Not retried before its time; retried, and taken, once fixed and due.
    assert portal_sync.sync_batch(portal).failed == 0
    Dossier.objects.filter(pk=bad.pk).update(applicant_name="Trần Văn Dân",
                                             sync_retry_at=None)
    assert portal_sync.sync_batch(portal).sent == 1
    assert Dossier.objects.get(pk=bad.pk).sync_state == SyncState.SYNCED


def test_a_dossier_the_portal_lost_or_already_holds_goes_the_right_way(province, sim, portal):
    # synced_at says the portal holds it, but this portal never saw it (a restarted portal).
    lost = submit_online(province, idempotency_key="lost")
    Dossier.objects.filter(pk=lost.pk).update(synced_at=at(2026, 2, 1))
    # The portal took this one, but its answer never came back.
    taken = submit_online(province, idempotency_key="taken")
    portal.sync([Dossier.objects.select_related("procedure__sector", "current_agency", "case")
                 .get(pk=taken.pk)], updating=False)
    Dossier.objects.filter(pk=taken.pk).update(sync_attempts=1)

    report = portal_sync.sync_batch(portal)
    assert (report.sent, report.failed) == (2, 0)
    assert _held(sim, lost.code) and _held(sim, taken.code)


def test_a_change_during_the_call_stays_owed(province, sim, portal):
    d = submit_online(province)

    class ChangesMeanwhile:  # the portal answers after an official acted on the dossier
        def holds(self, code):
            return portal.holds(code)

        def sync(self, dossiers, *, updating):
            portal.sync(dossiers, updating=updating)
            lifecycle.receive(province.officer, d, at=at(2026, 2, 13, 10))

        def progress(self, events):
            portal.progress(events)

    report = portal_sync.sync_batch(ChangesMeanwhile())
    assert (report.sent, report.stale) == (0, 1)
    d.refresh_from_db()
    assert d.sync_state == SyncState.PENDING  # sent again, newer
    assert portal_sync.sync_batch(portal).sent == 1
    assert _held(sim, d.code)["states"] == ["1", "2"]
    assert [e["TrangThai"] for e in _held(sim, d.code)["progress"]] == ["1", "2"]


class _Garbage(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "9")
        self.end_headers()
        self.wfile.write(b"<html>oo<")

    def log_message(self, *args):
        pass


def test_a_portal_answering_garbage_or_nothing_is_unavailable_not_a_failure(province):
    d = submit_online(province)
    with running(ThreadingHTTPServer(("127.0.0.1", 0), _Garbage)) as url:
        target = DvcqgPortal(url=url, username="x", password="y", agency_code="H44", timeout=2)
        report = portal_sync.sync_batch(target)
        assert "không phải JSON" in report.unavailable
    nowhere = DvcqgPortal(url=url, username="x", password="y", agency_code="H44", timeout=1)
    assert "Không kết nối được" in portal_sync.sync_batch(nowhere).unavailable
    d.refresh_from_db()
    assert d.sync_state == SyncState.PENDING and d.sync_attempts == 0


def test_a_wrong_account_waits_with_the_portals_words_and_fails_no_dossier(province, sim):
    d = submit_online(province)
    target = DvcqgPortal(url=_url(sim), username=ACCOUNT[0], password="sai", agency_code="H44")
    report = portal_sync.sync_batch(target)
    assert "không cho đăng nhập: Sai tên đăng nhập" in report.unavailable
    d.refresh_from_db()
    assert d.sync_state == SyncState.PENDING and "Sai tên đăng nhập" in d.sync_error


def test_the_command_sends_the_backlog_and_says_when_the_portal_is_down(province, sim,
                                                                       settings, capsys):
    settings.TINHSO_NATIONAL_PORTAL_URL = _url(sim)
    settings.TINHSO_NATIONAL_PORTAL_USERNAME, settings.TINHSO_NATIONAL_PORTAL_PASSWORD = ACCOUNT
    d = submit_online(province)
    _outage(sim, True)
    with pytest.raises(CommandError, match="503"):
        call_command("sync_national_portal")
    _outage(sim, False)
    call_command("sync_national_portal")
    assert "Đã đồng bộ 1 hồ sơ" in capsys.readouterr().out
    assert _held(sim, d.code) is not None
    call_command("sync_national_portal", "--status")
    assert "Đã đồng bộ: 1" in capsys.readouterr().out


def test_the_index_counts_a_dossier_synced_once_the_portal_acknowledged_it(province, portal):
    from tinhso.metrics.aggregation import refresh
    from tinhso.metrics.models import DossierFact

    d = drive(province, submit_online(province), Status.RECEIVED)
    refresh(full=True)
    assert DossierFact.objects.get(dossier_id=d.pk).synced == 0
    portal_sync.sync_batch(portal)
    # No event came with the acknowledgement: the incremental refresh still re-reads it.
    assert refresh().dossiers >= 1
    assert DossierFact.objects.get(dossier_id=d.pk).synced == 1
