"""The queries added to dossiers.selectors for the back office."""

from datetime import timedelta

from django.utils import timezone

from tinhso.dossiers import selectors
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import CITIZEN_ID, make_procedure


def test_worklist_counts_match_the_worklists(province, make_dossier):
    make_dossier()
    late = make_dossier(Status.PROCESSING)
    soon = make_dossier(Status.RECEIVED)
    now = timezone.now()
    Dossier.objects.filter(pk=soon.pk).update(due_at=now + timedelta(minutes=1))
    for official in (province.officer, province.specialist, province.leader):
        counts = selectors.worklist_counts(official, now=now)
        for bucket, n in counts.items():
            assert n == selectors.worklist(official, bucket, now=now).count(), bucket
    # The desk: one to receive, one received due soon; the specialist holds the late one.
    counts = selectors.worklist_counts(province.officer, now=now)
    assert counts["to_receive"] == 1 and counts["overdue"] == 0 and counts["due_soon"] == 1
    counts = selectors.worklist_counts(province.specialist, now=now)
    assert counts["overdue"] == 1 and counts["processing"] == 1 and counts["to_receive"] == 0
    assert late.code in {d.code for d in selectors.worklist(province.specialist, "overdue",
                                                            now=now)}


def test_status_counts_cover_every_status_in_scope(province, make_dossier):
    make_dossier()
    make_dossier(Status.RECEIVED)
    counts = selectors.status_counts(province.officer)
    assert set(counts) == set(Status.values)
    assert counts[Status.SUBMITTED] == 1 and counts[Status.RECEIVED] == 1
    assert sum(selectors.status_counts(province.other_officer).values()) == 0
    assert sum(selectors.status_counts(province.supervisor).values()) == 2


def test_known_applicant_is_scoped(province, make_dossier):
    make_dossier()
    found = selectors.known_applicant(province.officer, CITIZEN_ID)
    assert found["name"] == "Trần Văn Dân" and found["kind"] == "citizen"
    assert selectors.known_applicant(province.other_officer, CITIZEN_ID) is None
    assert selectors.known_applicant(province.officer, "") is None


def test_intake_procedures_are_the_agencys_published_ones(province):
    make_procedure([province.other_agency], code="1.009999", name="Cấp giấy phép xây dựng")
    codes = set(selectors.intake_procedures(province.officer).values_list("code", flat=True))
    assert codes == {province.procedure.code}
    assert not selectors.intake_procedures(province.officer, "xay dung").exists()
    assert selectors.intake_procedures(province.other_officer, "xay dung").count() == 1
    assert not selectors.intake_procedures(province.supervisor).exists()


def test_actions_for_leave_out_a_pointless_transfer_back(province, make_dossier):
    from tinhso.dossiers import lifecycle

    dossier = make_dossier(Status.PROCESSING)
    assert "transfer_back" not in selectors.actions_for(province.specialist, dossier)
    assert "transfer" in selectors.actions_for(province.specialist, dossier)
    moved = lifecycle.transfer(province.specialist, dossier, to_agency=province.other_agency)
    assert "transfer_back" in selectors.actions_for(province.other_specialist, moved)


def test_actions_for_leave_out_forward_at_the_last_step(province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    dossier.current_step = province.steps[-1]
    dossier.assignee = last = province.staff_for(province.steps[-1].role)
    assert "forward" not in selectors.actions_for(last, dossier)
    assert "finish" in selectors.actions_for(last, dossier)
    dossier.current_step = province.steps[0]
    dossier.assignee = first = province.staff_for(province.steps[0].role)
    assert "forward" in selectors.actions_for(first, dossier)
