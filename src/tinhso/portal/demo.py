"""The portal's demo: citizens at the demo provider, and two earlier dossiers of the first
citizen (one returned with an electronic result, one waiting for a supplement), so that
reuse from the e-data store, rating and supplements can be tried at once. Safe to rerun."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from tinhso.catalog.models import OnlineLevel, Procedure, ProcedureVersion
from tinhso.catalog.services import SYSTEM
from tinhso.core.errors import DomainError
from tinhso.core.models import Agency
from tinhso.core.roles import Role
from tinhso.dossiers import lifecycle
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput, ResultInput
from tinhso.dossiers.models import ApplicantKind, Channel, Dossier
from tinhso.dossiers.seeding import signed_results
from tinhso.idp import demo as idp_demo

log = logging.getLogger(__name__)
# A one-page PDF, enough for a viewer to open.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _desks():
    """Agencies where a one-stop officer works: the demo's dossiers go where its officials
    will see them (an official signing in after the citizen finds the same dossiers)."""
    return Agency.objects.filter(staff__is_active=True,
                                 staff__roles__role=Role.ONE_STOP_OFFICER).distinct()


def _procedure():
    """A full-online procedure with a reusable paper (the citizen id) and a process,
    received at an agency with officials."""
    return (Procedure.objects.filter(
        current_version__status=ProcedureVersion.Status.PUBLISHED,
        current_version__online_level=OnlineLevel.FULL,
        current_version__components__reusable_kind__gt="",
        current_version__processes__isnull=False,
        current_version__agencies__in=_desks(),
    ).select_related("current_version").order_by("code").first())


def _file(procedure, citizen, *, at) -> Dossier:
    version = procedure.current_version
    papers = [ComponentInput(c.name, c.pk, file=ContentFile(PDF, name=f"giay-to-{c.pk}.pdf"),
                             is_digitized=True)
              for c in version.components.all() if c.is_required]
    return lifecycle.submit(
        SYSTEM, procedure=procedure,
        agency=version.agencies.filter(pk__in=_desks()).order_by("code").first(),
        applicant=ApplicantInput(ApplicantKind.CITIZEN, citizen.full_name, citizen.personal_id,
                                 phone=citizen.phone, email=citizen.email),
        channel=Channel.ONLINE, components=papers, is_full_online=True, at=at)


def _signed(dossier: Dossier, *, at) -> Dossier:
    """The result signed by the agency's leader, as in the back office (its QR code opens
    /verify/). Without the demo's keys (make_demo_pki not run) it stays unsigned."""
    leader = signed_results.leader_of(dossier.agency_id)
    if leader is None:
        return dossier
    try:
        return lifecycle.sign_result(leader, dossier, at=at)
    except DomainError as exc:
        log.warning("demo result left unsigned: %s", exc.message)
        return dossier


def earlier_dossiers(citizen) -> list[Dossier]:
    if Dossier.objects.filter(applicant_user__personal_id=citizen.personal_id).exists():
        return []
    procedure = _procedure()
    if procedure is None:
        return []
    start = timezone.now() - timedelta(days=20)
    returned = _file(procedure, citizen, at=start)
    for step, action in enumerate((lifecycle.receive, lifecycle.start), 1):
        returned = action(SYSTEM, returned, at=start + timedelta(hours=step))
    name = procedure.current_version.resulttypes.values_list(
        "name", flat=True).first() or procedure.name
    document = signed_results.result_document(returned, name, "01/KQ")
    result = ResultInput(name, number="01/KQ", is_electronic=True,
                         file=ContentFile(document, name="ket-qua.pdf"))
    returned = lifecycle.finish(SYSTEM, returned, results=[result],
                                at=start + timedelta(days=3))
    returned = _signed(returned, at=start + timedelta(days=3, hours=2))
    returned = lifecycle.return_result(SYSTEM, returned, at=start + timedelta(days=4))
    waiting = _file(procedure, citizen, at=start + timedelta(days=10))
    waiting = lifecycle.receive(SYSTEM, waiting, at=start + timedelta(days=10, hours=1))
    waiting = lifecycle.request_supplement(
        SYSTEM, waiting, at=start + timedelta(days=11),
        reasons="Bản chụp căn cước bị mờ, đề nghị nộp lại bản rõ nét.")
    return [returned, waiting]


def load() -> tuple[list, list[Dossier]]:
    citizens = idp_demo.load()
    first = citizens[0][0].user
    return citizens, earlier_dossiers(first)
