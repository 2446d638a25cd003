"""Look-ups in the national population database, with the citizen's consent, and their use
as a fact of the dossier filed with them (service-index component 5.6).

The look-up is recorded (who, when, whose id, for what, how the citizen consented) and
audited; a dossier filed with it names it (`population_lookup`), which marks the dossier
`used_population_db`. The registry is reached through a port (`find`), implemented in
tinhso.integrations.population and chosen by TINHSO_POPULATION_BACKEND.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from tinhso.core import audit
from tinhso.core.errors import DomainError, PermissionDenied, ValidationFailed
from tinhso.core.identifiers import validate_personal_id

from . import policy
from .models import PopulationLookup

PURPOSE_MAX = 200
# A look-up stands for the dossier filed soon after it, not for any later one.
VALID_FOR = timedelta(hours=2)


@dataclass(frozen=True)
class Person:
    personal_id: str
    full_name: str
    birth_date: date
    sex: str  # "male" / "female"
    permanent_residence: str
    current_residence: str = ""


class RegistryUnavailable(DomainError):
    status = 503
    code = "population_unavailable"
    default_message = _("Chưa kết nối được CSDL quốc gia về dân cư; vui lòng thử lại sau.")


class PopulationRegistry(Protocol):
    def find(self, personal_id: str, *, purpose: str, requester: str) -> Person | None:
        """The person with this id, or None; RegistryUnavailable when it cannot answer."""


def registry() -> PopulationRegistry:
    return import_string(settings.TINHSO_POPULATION_BACKEND)()


def look_up(actor, personal_id: str, *, consent: bool, purpose: str,
            target: PopulationRegistry | None = None,
            at: datetime | None = None) -> tuple[PopulationLookup, Person | None]:
    """Look a citizen up. A citizen looks up only themself (their consent is their own
    request); an official of the one-stop desk looks up the applicant before them, who
    consented (`consent`, as the official records it)."""
    personal_id = validate_personal_id(personal_id)
    purpose = (purpose or "").strip()[:PURPOSE_MAX]
    if not purpose:
        raise ValidationFailed(_("Cần ghi mục đích tra cứu."), code="purpose_required")
    if policy.is_applicant(actor):
        if actor.personal_id != personal_id:
            raise PermissionDenied(_("Công dân chỉ được tra cứu thông tin của chính mình."),
                                   code="not_self")
        consent_by = PopulationLookup.Consent.SELF
    else:
        if not policy.may_intake(actor):
            raise PermissionDenied(_("Chỉ cán bộ một cửa được tra cứu CSDL dân cư khi tiếp "
                                     "nhận hồ sơ."))
        consent_by = PopulationLookup.Consent.AT_DESK
    if not consent:
        raise ValidationFailed(_("Cần sự đồng ý của công dân trước khi tra cứu thông tin của "
                                 "họ trong CSDL quốc gia về dân cư."), code="consent_required")
    found = (target or registry()).find(personal_id, purpose=purpose,
                                        requester=getattr(actor, "username", ""))
    lookup = PopulationLookup.objects.create(
        at=at or timezone.now(), actor=actor,
        actor_name=getattr(actor, "full_name", "") or getattr(actor, "username", ""),
        personal_id=personal_id, purpose=purpose, consent=consent_by, found=found is not None)
    audit.record("population.lookup", actor=actor, target=lookup,
                 data={"personal_id": personal_id, "found": found is not None,
                       "consent": consent_by})
    return lookup, found


def usable(actor, lookup_id: int, personal_id: str, at: datetime) -> PopulationLookup:
    """The actor's own recent look-up of this applicant that found them and no dossier used."""
    lookup = PopulationLookup.objects.filter(
        pk=lookup_id, actor_id=getattr(actor, "pk", None), personal_id=personal_id,
        found=True, dossier__isnull=True, at__gte=at - VALID_FOR, at__lte=at).first()
    if lookup is None:
        raise ValidationFailed(_("Kết quả tra cứu CSDL dân cư không dùng được cho hồ sơ này "
                                 "(khác người, đã dùng hoặc đã quá hạn); vui lòng tra cứu "
                                 "lại."), code="invalid_population_lookup")
    return lookup


def attach(lookup: PopulationLookup, dossier) -> None:
    """Name the dossier on the look-up, once: a second dossier racing for it is refused."""
    if not PopulationLookup.objects.filter(pk=lookup.pk, dossier__isnull=True).update(
            dossier=dossier):
        raise ValidationFailed(_("Kết quả tra cứu CSDL dân cư đã được dùng cho hồ sơ khác."),
                               code="invalid_population_lookup")
