"""The API's bodies are written by hand (`row`) for speed; here they are held to DRF's own
rendering of the declared fields, which is also what the OpenAPI schema documents."""

import pytest

from tinhso.dossiers import lifecycle, selectors
from tinhso.dossiers.api.serializers import (
    GENERIC,
    DossierDetailSerializer,
    DossierListSerializer,
)
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Dossier, Payment, Status

from .conftest import at


def _dossiers(p, make_dossier) -> list[Dossier]:
    """Dossiers that between them carry every part of a body: a current step, papers added
    later, a resolved supplement request, a payment, results, a rating, a transfer."""
    plain = make_dossier(Status.SUBMITTED)
    returned = make_dossier(Status.RETURNED)
    lifecycle.rate(p.citizen, returned, rating=4, at=at(2026, 2, 25, 9))
    supplemented = make_dossier(Status.SUPPLEMENT_REQUESTED)
    lifecycle.supplement(p.citizen, supplemented, at=at(2026, 2, 24, 8), components=[
        ComponentInput("Ảnh chân dung", p.photo.pk,
                       reused_from=f"GT-{plain.components.get(component=p.id_copy).pk}")])
    paid = make_dossier(Status.PAYMENT_REQUESTED)
    lifecycle.record_payment(p.officer, paid, amount=paid.fees_owed - paid.fees_paid,
                             method=Payment.Method.PROVINCE_GATEWAY, reference="GD-0001",
                             at=at(2026, 2, 24, 8))
    moved = make_dossier(Status.PROCESSING)
    lifecycle.transfer(p.specialist, moved, to_agency=p.other_agency, note="Liên thông",
                       at=at(2026, 2, 24, 8))
    return [plain, returned, supplemented, paid, moved]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_rows_equal_the_declared_fields(province, make_dossier, language):
    from django.utils import translation

    pks = [d.pk for d in _dossiers(province, make_dossier)]
    now = at(2026, 3, 10, 9)  # those being processed are overdue by then, the others not
    with translation.override(language):
        for pk in pks:
            dossier = selectors.dossier_details(pk, version=False)
            context = {"now": now, "allowed_actions": selectors.actions_for(province.officer,
                                                                             dossier)}
            assert (DossierDetailSerializer(dossier, context=context).data
                    == DossierDetailSerializer(dossier, context={**context, GENERIC: True}).data)
        page = list(selectors.listing(Dossier.objects.filter(pk__in=pks)))
        rows = DossierListSerializer(page, many=True, context={"now": now}).data
        generic = {"now": now, GENERIC: True}
        assert rows == DossierListSerializer(page, many=True, context=generic).data
    bodies = {d.pk: d for d in page}
    moved = bodies[pks[4]]
    assert moved.current_agency_id == province.other_agency.pk
    assert {r["is_overdue"] for r in rows} == {True, False}


def test_a_body_shows_every_part(province, make_dossier):
    """The bodies compared above are not empty: each part is there to compare."""
    pks = [d.pk for d in _dossiers(province, make_dossier)]
    bodies = [DossierDetailSerializer(selectors.dossier_details(pk, version=False),
                                      context={}).data for pk in pks]
    for part in ("components", "events", "results", "payments", "supplement_requests"):
        assert any(b[part] for b in bodies), part
    assert any(b["current_step"] for b in bodies) and any(b["rating"] for b in bodies)
    returned = bodies[1]
    assert returned["results"][0]["number"] == "12/TL"
    assert returned["events"][-1]["action_label"] != "rate"  # a label, not the code
    assert returned["submitted_at"].endswith("+07:00")  # local time, as DRF writes it
    assert bodies[3]["payments"][0]["method_label"]
    assert bodies[2]["supplement_requests"][0]["resolved_at"] is not None


def test_a_detail_reads_only_the_parts_a_dossier_has(province, make_dossier):
    """A dossier without results, payments or supplement requests is read in three queries
    (itself, its papers, its timeline); one that has them reads them too."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fresh = make_dossier(Status.SUBMITTED)
    with CaptureQueriesContext(connection) as ctx:
        body = DossierDetailSerializer(selectors.dossier_details(fresh.pk), context={}).data
    assert len(ctx.captured_queries) == 3, [q["sql"] for q in ctx.captured_queries]
    assert body["components"] and body["events"] and body["results"] == []

    pks = [d.pk for d in _dossiers(province, make_dossier)]
    with CaptureQueriesContext(connection) as ctx:
        returned = DossierDetailSerializer(selectors.dossier_details(pks[1]), context={}).data
    assert len(ctx.captured_queries) == 4  # and its results
    assert returned["results"] and returned["payments"] == []


def test_a_timeline_names_each_agency_it_passed_through(province, make_dossier):
    """An event's agency is one of the dossier's two, loaded with it, or else read in one
    more statement for all of them (a dossier passed on through a third agency)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = province
    dossier = lifecycle.transfer(p.specialist, make_dossier(Status.PROCESSING),
                                 to_agency=p.other_agency)
    dossier = lifecycle.transfer(p.other_specialist, dossier, to_agency=p.commune)
    with CaptureQueriesContext(connection) as ctx:
        body = DossierDetailSerializer(selectors.dossier_details(dossier.pk), context={}).data
    names = [e["agency"]["name"] for e in body["events"]]
    assert names[0] == p.agency.name and names[-1] == p.other_agency.name
    assert p.commune.name not in names  # the transfer was recorded by the sender
    assert len(ctx.captured_queries) == 4, [q["sql"] for q in ctx.captured_queries]
    assert body["events"] == sorted(body["events"], key=lambda e: e["at"])
