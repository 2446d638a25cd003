"""selectors.case_terms: per case its papers, and per channel the time and fee quote that
catalog.terms gives (the most specific time row wins; every applicable fee row counts)."""

from decimal import Decimal

import pytest

from tinhso.catalog import selectors, services
from tinhso.catalog.models import Channel, ChannelTime, Fee, ProcedureCase
from tinhso.catalog.services import SYSTEM
from tinhso.dossiers.tests.conftest import make_procedure, province  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(province):  # noqa: F811
    """A draft (still editable) of the province's procedure with two cases."""
    draft = services.new_version(SYSTEM, province.procedure)
    fast = services.save_part(SYSTEM, ProcedureCase(version=draft, order=1, name="Cấp lại"))
    slow = services.save_part(SYSTEM, ProcedureCase(version=draft, order=2, name="Cấp mới"))
    services.save_part(SYSTEM, ChannelTime(version=draft, case=fast, channel=Channel.ONLINE,
                                           processing_time=Decimal(2),
                                           time_unit="working_days"))
    services.save_part(SYSTEM, ChannelTime(version=draft, case=slow, channel=Channel.POST,
                                           processing_time=None, time_unit=""))
    services.save_part(SYSTEM, Fee(version=draft, case=slow, channel=Channel.DESK, order=5,
                                   name="Phí thẩm định", basis=Fee.Basis.PER_UNIT,
                                   amount=1000, unit="trang"))
    return draft, fast, slow


def test_each_case_gets_its_rows_and_the_rows_of_every_case(version):
    draft, fast, slow = version
    terms = {t.pk: t for t in selectors.case_terms(draft)}
    assert list(terms) == [fast.pk, slow.pk]
    assert len(terms[fast.pk].components) == 3 and len(terms[fast.pk].fees) == 2
    assert len(terms[slow.pk].fees) == 3
    # Fast: only online is named; its time is the case's own, fees the two of every channel.
    [online] = terms[fast.pk].channels
    assert (online.channel, online.processing_time, online.fees.amount) == (
        "online", Decimal(2), 70_000)
    # Desk is not named for fast: asked for, it falls back on the version's 5 days.
    desk = terms[fast.pk].on(Channel.DESK)
    assert (desk.processing_time, desk.time_unit) == (Decimal(5), "working_days")
    # Slow: post states no time (never a made-up number); the desk owes a per-page fee the
    # officials compute.
    channels = {c.channel: c for c in terms[slow.pk].channels}
    assert set(channels) == {"desk", "post"}
    assert channels["post"].processing_time is None and channels["post"].time_unit == ""
    assert not channels["desk"].fees.settled and channels["desk"].fees.amount == 70_000


def test_a_version_without_cases_is_one_entry_for_every_channel(province):  # noqa: F811
    [entry] = selectors.case_terms(province.version)
    assert entry.case is None and entry.pk is None
    [every] = entry.channels
    assert (every.channel, every.processing_time, every.fees.amount) == ("", Decimal(5),
                                                                         70_000)
