"""Deadlines through the lifecycle: due dates in working time, step shares, supplement pauses."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile

from tinhso.core.calendar import get_calendar, invalidate_calendar
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ComponentInput, ResultInput
from tinhso.dossiers.models import Status, SupplementRequest
from tinhso.dossiers.timeliness import Timeliness, classify

from .conftest import RECEIVED_AT, at


@pytest.fixture(autouse=True)
def fresh_calendar():
    invalidate_calendar()
    yield
    invalidate_calendar()


def photo(p):
    return [ComponentInput("Ảnh", p.photo.pk, file=ContentFile(b"x", name="anh.jpg"))]


def test_five_working_days_across_tet_2026(make_dossier, province):
    d = lifecycle.receive(province.officer, make_dossier(), at=RECEIVED_AT)
    assert d.received_at == at(2026, 2, 13, 10)
    assert d.due_at == at(2026, 2, 27, 10)  # Mon 16 – Fri 20 Feb are Tết holidays


def test_received_after_hours_the_clock_starts_at_the_next_opening(make_dossier, province):
    d = lifecycle.receive(province.officer, make_dossier(), at=at(2026, 2, 13, 18))
    # Next opening Mon 23 Feb 07:30; five office days end on Fri 27 Feb at closing time.
    assert d.due_at == at(2026, 2, 27, 17)


def test_step_due_instants_follow_the_step_shares(make_dossier, province):
    p = province
    d = lifecycle.receive(p.officer, make_dossier(), at=RECEIVED_AT)
    d = lifecycle.start(p.officer, d, at=at(2026, 2, 13, 11))
    # Step 1 has 40% of 5 × 7.5 h = 15 h: 4 h on Fri 13, 7.5 h on Mon 23, 3.5 h on Tue 24.
    assert d.current_step_id == p.steps[0].pk and d.step_due_at == at(2026, 2, 24, 11)
    d = lifecycle.forward(p.specialist, d, at=at(2026, 2, 24, 9))
    # Step 2 has 30% = 11.25 h from Tue 09:00: 6 h that day, then 4 h + 1.25 h on Wed 25.
    assert d.current_step_id == p.steps[1].pk and d.step_due_at == at(2026, 2, 25, 14, 45)


def test_supplement_pause_moves_due_at_by_exactly_the_paused_working_hours(make_dossier,
                                                                          province):
    p = province
    cal = get_calendar()
    d = lifecycle.start(p.officer, lifecycle.receive(p.officer, make_dossier(),
                                                     at=RECEIVED_AT), at=at(2026, 2, 13, 11))
    due, step_due = d.due_at, d.step_due_at
    d = lifecycle.request_supplement(p.specialist, d, reasons="Thiếu ảnh",
                                     at=at(2026, 2, 23, 14))
    assert d.paused_since == at(2026, 2, 23, 14) and d.supplement_count == 1
    assert d.due_at == due  # moves only once the paused time is known
    d = lifecycle.supplement(p.citizen, d, components=photo(p), at=at(2026, 2, 23, 16))
    assert d.paused_since is None and d.paused_seconds == 2 * 3600
    assert cal.working_time_between(due, d.due_at) == timedelta(hours=2)
    assert d.due_at == at(2026, 2, 27, 14)  # 10:00 + 1.5 h to noon break + 0.5 h after
    assert cal.working_time_between(step_due, d.step_due_at) == timedelta(hours=2)


def test_pause_over_a_weekend_and_tet_counts_working_time_only(make_dossier, province):
    p = province
    d = lifecycle.receive(p.officer, make_dossier(), at=RECEIVED_AT)
    d = lifecycle.request_supplement(p.officer, d, reasons="Thiếu ảnh", at=RECEIVED_AT)
    d = lifecycle.supplement(p.citizen, d, components=photo(p), at=at(2026, 2, 23, 10))
    # Fri 10:00–17:00 is 5 h, Mon 07:30–10:00 is 2.5 h: one office day, not ten calendar days.
    assert d.paused_seconds == int(7.5 * 3600)
    assert d.due_at == at(2026, 3, 2, 10)
    assert SupplementRequest.objects.get(dossier=d).paused_seconds == int(7.5 * 3600)


def test_step_after_a_pause_shares_the_statutory_time_not_the_extended_one(make_dossier,
                                                                           province):
    p = province
    d = lifecycle.receive(p.officer, make_dossier(), at=RECEIVED_AT)
    d = lifecycle.request_supplement(p.officer, d, reasons="Thiếu ảnh", at=RECEIVED_AT)
    d = lifecycle.supplement(p.citizen, d, components=photo(p), at=at(2026, 2, 23, 10))
    assert d.status == Status.PROCESSING and d.current_step_id is None
    d = lifecycle.forward(p.specialist, d, at=at(2026, 2, 23, 10))
    # 40% of 37.5 h = 15 h from Mon 10:00: 5 h Mon, 7.5 h Tue, 2.5 h Wed → Wed 10:00.
    assert d.current_step_id == p.steps[0].pk and d.step_due_at == at(2026, 2, 25, 10)


def test_supplement_count_and_pauses_add_up(make_dossier, province):
    p = province
    d = make_dossier(Status.PROCESSING)
    for day in (23, 24):
        d = lifecycle.request_supplement(p.specialist, d, reasons="Thiếu",
                                         at=at(2026, 2, day, 8))
        d = lifecycle.supplement(p.citizen, d, components=photo(p), at=at(2026, 2, day, 9))
    assert d.supplement_count == 2 and d.paused_seconds == 2 * 3600
    assert d.due_at == at(2026, 2, 27, 14)  # 10:00 + 1.5 h to the noon break + 0.5 h
    d = lifecycle.finish(p.specialist, d, results=[ResultInput("KQ")], at=at(2026, 2, 25, 9))
    # Finished early, but two supplement requests make it late by the national rule.
    assert classify(d, at(2026, 2, 1), at(2026, 3, 1)) == Timeliness.LATE


def test_withdrawing_while_paused_keeps_the_paused_time(make_dossier, province):
    p = province
    d = make_dossier(Status.SUPPLEMENT_REQUESTED)  # requested Mon 23 Feb 09:00
    d = lifecycle.withdraw(p.citizen, d, reason="Thôi", at=at(2026, 2, 23, 11))
    assert d.paused_since is None and d.paused_seconds == 2 * 3600
    assert d.closed_at == at(2026, 2, 23, 11)


def test_finished_dossier_is_classified_by_its_recorded_facts(make_dossier, province):
    d = make_dossier(Status.FINISHED)  # received 13 Feb 10:00, finished 23 Feb 09:00
    assert d.finished_at < d.due_at
    assert classify(d, at(2026, 2, 1), at(2026, 3, 1)) == Timeliness.ON_TIME
    late = lifecycle.finish(province.specialist, make_dossier(Status.PROCESSING),
                            results=[ResultInput("KQ")], at=at(2026, 3, 3, 9))
    assert classify(late, at(2026, 3, 1), at(2026, 4, 1)) == Timeliness.LATE
