"""Read queries: scope per actor, worklist buckets against the work calendar, filters."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tinhso.core.errors import NotFound, ValidationFailed
from tinhso.core.roles import Role
from tinhso.dossiers import lifecycle, selectors
from tinhso.dossiers.models import Status

from .conftest import OTHER_CITIZEN_ID, at, citizen_applicant, make_user, submit_online


def codes(qs) -> set[str]:
    return set(qs.values_list("code", flat=True))


def test_scope_per_actor(province, make_dossier):
    p = province
    mine = make_dossier()
    commune = make_dossier(agency=p.commune)
    theirs = submit_online(p, user=p.other_citizen,
                           applicant=citizen_applicant(OTHER_CITIZEN_ID, "Lê Thị Khác"))
    assert codes(selectors.dossiers_for(p.citizen)) == {mine.code, commune.code}
    assert codes(selectors.dossiers_for(p.other_citizen)) == {theirs.code}
    assert codes(selectors.dossiers_for(p.officer)) == {mine.code, theirs.code}
    assert codes(selectors.dossiers_for(p.other_officer)) == set()
    assert codes(selectors.dossiers_for(p.supervisor)) == {mine.code, commune.code, theirs.code}
    assert codes(selectors.dossiers_for(AnonymousUser())) == set()
    assert codes(selectors.dossiers_for(None)) == set()
    # A staff account without an agency (misconfigured) sees nothing, not everything.
    stray = make_user("lac", roles=[Role.SPECIALIST])
    assert codes(selectors.dossiers_for(stray)) == set()


def test_current_agency_sees_a_transferred_dossier(province, make_dossier):
    p = province
    dossier = make_dossier(Status.PROCESSING)
    with pytest.raises(NotFound):
        selectors.get_dossier_for(p.other_officer, dossier.code)
    lifecycle.transfer(p.specialist, dossier, to_agency=p.other_agency,
                       at=at(2026, 2, 16, 9))
    assert selectors.get_dossier_for(p.other_officer, dossier.code).pk == dossier.pk
    # The receiving agency keeps it in view while another agency handles it.
    assert selectors.get_dossier_for(p.officer, dossier.code).pk == dossier.pk
    # The step went with it, to the other agency's holder of the step's role.
    assert codes(selectors.worklist(p.specialist, "processing")) == set()
    assert codes(selectors.worklist(p.other_specialist, "processing")) == {dossier.code}


def test_get_dossier_for_unknown_code(province):
    with pytest.raises(NotFound) as caught:
        selectors.get_dossier_for(province.supervisor, "H44.07-260213-9999")
    assert str(caught.value.message) == "Không tìm thấy hồ sơ."


def test_worklist_buckets_follow_the_calendar(province, make_dossier):
    p = province
    waiting = make_dossier()
    received = make_dossier(Status.RECEIVED)  # due Fri 27 Feb 2026 10:00
    processing = make_dossier(Status.PROCESSING)  # same due time
    make_dossier(Status.SUPPLEMENT_REQUESTED)  # clock paused: in no deadline bucket
    make_dossier(Status.FINISHED)  # closed
    due = {received.code, processing.code}

    def bucket(name, now):  # the desk's and the step holder's together
        return (codes(selectors.worklist(p.officer, name, now=now))
                | codes(selectors.worklist(p.specialist, name, now=now)))

    assert bucket("to_receive", at(2026, 2, 20)) == {waiting.code}
    assert bucket("processing", at(2026, 2, 20)) == {processing.code}
    # Each its own: the desk passes received dossiers on, the specialist holds the step.
    late = at(2026, 3, 2)
    assert codes(selectors.worklist(p.officer, "overdue", now=late)) == {received.code}
    assert codes(selectors.worklist(p.specialist, "overdue", now=late)) == {processing.code}
    assert codes(selectors.worklist(p.specialist, "to_receive", now=late)) == set()
    assert codes(selectors.worklist(p.leader, "overdue", now=late)) == set()
    # Thursday 26 Feb 09:00: two working days ahead is Monday 2 March 09:00.
    assert bucket("due_soon", at(2026, 2, 26, 9)) == due
    assert bucket("due_today", at(2026, 2, 26, 9)) == set()
    # Wednesday 25 Feb 09:00: two working days ahead is 27 Feb 09:00, an hour too early.
    assert bucket("due_soon", at(2026, 2, 25, 9)) == set()
    # Tết: on Friday 13 Feb the next two working days are 23 and 24 Feb.
    assert bucket("due_soon", at(2026, 2, 13, 12)) == set()
    assert bucket("due_today", at(2026, 2, 27, 8)) == due
    assert bucket("overdue", at(2026, 2, 27, 8)) == set()
    assert bucket("overdue", at(2026, 2, 27, 10, 1)) == due
    assert bucket("due_today", at(2026, 2, 27, 10, 1)) == set()
    # The supervisor's worklist spans all agencies; the other agency's is empty.
    assert codes(selectors.worklist(p.supervisor, "overdue", now=at(2026, 3, 2))) == due
    assert codes(selectors.worklist(p.other_officer, "overdue", now=at(2026, 3, 2))) == set()
    with pytest.raises(ValidationFailed):
        selectors.worklist(p.officer, "later")


def test_filters_on_overdue_dates_and_search(province, make_dossier):
    p = province
    received = make_dossier(Status.RECEIVED)
    returned = make_dossier(Status.RETURNED)
    submitted = make_dossier()
    qs = selectors.dossiers_for(p.officer)

    def only(**kw):
        return codes(selectors.filter_dossiers(qs, **kw))

    assert only(overdue=True, now=at(2026, 2, 27, 11)) == {received.code}
    assert only(overdue=True, now=at(2026, 2, 27, 9)) == set()
    assert only(overdue=False, now=at(2026, 2, 27, 11)) == {returned.code, submitted.code}
    assert only(status=Status.RETURNED) == {returned.code}
    assert only(q=received.code.lower()) == {received.code}
    assert only(q=p.citizen.personal_id) == {received.code, returned.code, submitted.code}
    every = {received.code, returned.code, submitted.code}
    assert only(q="Văn Dân") == every  # a fragment of the name
    assert only(q="van dan") == only(q="VĂN DÂN") == every  # diacritics and case ignored
    assert only(q="Dâ") == set()  # a fragment needs 3 characters
    # A fragment of the code: its day part finds the dossiers filed that day.
    day = received.code.split("-")[1]
    assert only(q=day) == {c for c in every if f"-{day}-" in c}
    assert only(q="van dan x") == set()  # the whole fragment, not any of its words
    # More digits in a row than a code holds: a personal id, looked up whole through its
    # index, not through the search of codes and names (which cannot hold it).
    def searched_text(q):
        with CaptureQueriesContext(connection) as run:
            list(selectors.filter_dossiers(qs, q=q, actor=p.officer))
        return any(re.search(r'search_text"(::text)? LIKE', query["sql"])
                   for query in run.captured_queries)

    assert not searched_text(p.citizen.personal_id)
    assert searched_text(day)
    assert only(procedure="1.001234", agency="H44.07") == {received.code, returned.code,
                                                          submitted.code}
    assert only(agency="H44.08") == set()


def test_actions_for_hides_a_second_rating(province, make_dossier):
    dossier = make_dossier(Status.RETURNED)
    assert selectors.actions_for(province.citizen, dossier) == ["rate"]
    assert selectors.actions_for(province.officer, dossier) == []
    rated = lifecycle.rate(province.citizen, dossier, rating=4, at=at(2026, 2, 25))
    assert selectors.actions_for(province.citizen, rated) == []
