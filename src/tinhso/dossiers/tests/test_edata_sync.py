"""Finished dossiers' papers and results reach the personal e-data store (its simulator, over
real HTTP): each set once, whole and intact; nothing marked while the store is down; a dossier
the store cannot take does not hold back those behind it; component 5.5 counts what it took."""

import hashlib
import json
import urllib.request

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from tinhso.dossiers import edata_sync, lifecycle
from tinhso.dossiers.inputs import ResultInput
from tinhso.dossiers.models import Dossier, Status
from tinhso.integrations.edata import EdataClient
from tinhso.integrations.edata.simulator import make_server
from tinhso.integrations.simulators import running
from tinhso.metrics import periods, selectors
from tinhso.signing.testing import make_pki, result_pdf, use_pki

from .conftest import LEADER, at, drive, submit_online

TOKEN = "khoa-kho-thu"


@pytest.fixture
def sim():
    server = make_server("127.0.0.1", 0, TOKEN)
    with running(server):
        yield server


def _url(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def store(sim):
    return EdataClient(url=_url(sim), token=TOKEN, timeout=2)


def _outage(sim, down: bool):
    request = urllib.request.Request(_url(sim) + "/_sim/outage", method="POST",
                                     data=json.dumps({"down": down}).encode())
    urllib.request.urlopen(request, timeout=2).close()


def _kept(sim, d):
    return sim.store.owners.get(d.applicant_id_number, {}).get(d.code)


def test_a_finished_dossier_is_kept_once_with_every_paper_intact(province, sim, store):
    open_one = submit_online(province)
    finished = drive(province, submit_online(province), Status.FINISHED)
    assert edata_sync.owed_count() == 1  # a dossier without a result owes nothing yet

    report = edata_sync.push_batch(store)
    assert (report.sent, report.refused, report.unavailable) == (1, [], "")
    kept = _kept(sim, finished)
    papers = [c for c in finished.components.all() if c.is_digitized]
    assert [i["kind"] for i in kept["items"]].count("paper") == len(papers) > 0
    digests = {hashlib.sha256(c.file.open("rb").read()).hexdigest() for c in papers}
    assert digests <= {i["sha256"] for i in kept["items"]}
    assert kept["procedure"] == province.procedure.code
    assert _kept(sim, open_one) is None
    assert Dossier.objects.get(pk=finished.pk).edata_synced_at is not None

    calls = sim.store.calls
    assert edata_sync.push_batch(store).read == 0  # acknowledged: never sent again
    assert sim.store.calls == calls and edata_sync.owed_count() == 0


def test_while_the_store_is_down_nothing_is_marked_and_all_arrives_after(province, sim, store):
    finished = drive(province, submit_online(province), Status.FINISHED)
    _outage(sim, True)
    report = edata_sync.push_batch(store)
    assert report.sent == 0 and "HTTP 503" in report.unavailable
    assert Dossier.objects.get(pk=finished.pk).edata_synced_at is None
    _outage(sim, False)
    assert edata_sync.push_batch(store).sent == 1 and _kept(sim, finished)


def test_a_dossier_the_store_cannot_take_does_not_hold_back_the_next(province, sim, store):
    first = drive(province, submit_online(province), Status.FINISHED)
    second = drive(province, submit_online(province), Status.FINISHED)
    lost = first.components.filter(is_digitized=True).first()
    lost.file.storage.delete(lost.file.name)  # its paper is gone from storage

    report = edata_sync.push_batch(store, limit=1)
    assert report.sent == 0 and report.refused[0][0] == first.code
    report = edata_sync.push_batch(store, after=report.last_id, limit=1)
    assert report.sent == 1 and _kept(sim, second) and not _kept(sim, first)
    assert edata_sync.owed_count() == 1  # still owed, tried again on the next pass


def test_a_tampered_item_is_refused_by_the_store_with_its_reason(province, sim, store,
                                                                 monkeypatch):
    finished = drive(province, submit_online(province), Status.FINISHED)

    original = edata_sync.Item.as_record
    monkeypatch.setattr(edata_sync.Item, "as_record",
                        lambda self: {**original(self), "sha256": "0" * 64})
    report = edata_sync.push_batch(store)
    assert report.sent == 0 and "mã băm không khớp" in report.refused[0][1]
    assert Dossier.objects.get(pk=finished.pk).edata_synced_at is None


def test_component_5_5_counts_the_dossiers_the_store_took(province, sim, store):
    taken = drive(province, submit_online(province), Status.FINISHED)
    drive(province, submit_online(province), Status.FINISHED)
    edata_sync.push_batch(store, limit=1)
    call_command("refresh_metrics", "--full", verbosity=0)
    day = taken.finished_at.date()
    period = periods.parse(f"{day:%Y-%m}")
    counters = selectors.index_for(period, today=day).counters
    assert (counters.get("edata"), counters.get("with_result")) == (1, 2)


def test_the_sender_command_sends_the_store_its_backlog(province, sim, settings):
    settings.TINHSO_EDATA_URL, settings.TINHSO_EDATA_TOKEN = _url(sim), TOKEN
    settings.TINHSO_NATIONAL_PORTAL_BACKEND = "tinhso.dossiers.tests.test_edata_sync.NoPortal"
    finished = drive(province, submit_online(province), Status.FINISHED)
    call_command("sync_national_portal", verbosity=0)
    assert _kept(sim, finished)


class NoPortal:
    """The portal's side is tested elsewhere; here it takes everything."""

    def holds(self, code):
        return False

    def sync(self, dossiers, *, updating):
        pass

    def progress(self, events):
        pass


@pytest.fixture(scope="module")
def leader_pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"), officials=[LEADER])


def test_a_result_reaches_the_store_only_once_signed(province, sim, store, settings,
                                                     leader_pki):
    use_pki(settings, leader_pki)
    d = lifecycle.finish(province.specialist, drive(province, submit_online(province),
                                                    Status.PROCESSING),
                         at=at(2026, 2, 23, 9), results=[
        ResultInput("Giấy phép", "12/GP", is_electronic=True,
                    file=ContentFile(result_pdf(), name="kq.pdf"))])
    assert edata_sync.push_batch(store).sent == 1  # its papers: the result awaits signing
    assert {i["kind"] for i in _kept(sim, d)["items"]} == {"paper"}

    lifecycle.sign_result(province.leader, d)
    assert edata_sync.owed_count() == 1  # signing changed what the store should keep
    assert edata_sync.push_batch(store).sent == 1
    result = next(i for i in _kept(sim, d)["items"] if i["kind"] == "result")
    signed = Dossier.objects.get(pk=d.pk).results.get().file.open("rb").read()
    assert result["sha256"] == hashlib.sha256(signed).hexdigest()
