"""What the seeder needs of the province, read once: agencies and the procedures they offer.

A handful of queries whatever the size of the catalogue; journeys then never touch the database.
Orderings are by codes (not pks) so that a seed gives the same dossiers in any database.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from tinhso.catalog.models import (
    Component,
    Fee,
    OnlineLevel,
    ProcedureVersion,
    ProcessStep,
    ResultType,
)
from tinhso.core.errors import DomainError
from tinhso.core.models import AdministrativeUnit, Agency

from ..transitions import Step
from .people import People, person_name


class NothingToSeed(DomainError):
    code = "nothing_to_seed"
    default_message = _("Chưa có cơ quan và thủ tục đã công bố để tạo hồ sơ mẫu.")


@dataclass(frozen=True, slots=True)
class Offering:
    """One published procedure version as one agency runs it."""

    procedure_id: int
    version_id: int
    time: tuple[Decimal, str]
    steps: tuple[Step, ...]
    fees: int
    online_level: str
    uses_population_data: bool
    components: tuple[tuple[int, str, bool, str], ...]  # id, name, required, reusable kind
    results: tuple[tuple[str, bool], ...]  # name, electronic


@dataclass(slots=True)
class AgencyPlan:
    id: int
    code: str
    on_time: float  # chance a dossier is processed in time (two supplements make it late)
    officials: tuple[str, ...]
    offerings: list[Offering] = field(default_factory=list)
    cum: list[float] = field(default_factory=list)

    def pick(self, rng: random.Random) -> Offering:
        return self.offerings[bisect_right(self.cum, rng.random() * self.cum[-1])]


@dataclass(slots=True)
class Province:
    agencies: list[AgencyPlan]
    cum: list[float]
    people: People

    def pick(self, rng: random.Random) -> AgencyPlan:
        return self.agencies[bisect_right(self.cum, rng.random() * self.cum[-1])]


def load_province(seed: int, agency_code: str | None = None) -> Province:
    """Agencies with their offerings, popularity weights and on-time rates (from `seed`)."""
    rng = random.Random(f"province-{seed}")  # noqa: S311 - demo data
    agencies = Agency.objects.filter(is_active=True).order_by("code")
    if agency_code:
        agencies = agencies.filter(code=agency_code)
    agencies = list(agencies.values_list("id", "code", "level"))
    versions = list(
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED,
                                        procedure__current_version_id=F("id"))
        .order_by("procedure__code")
        .values_list("id", "procedure_id", "processing_time", "time_unit", "online_level",
                     "uses_population_data")
    )
    vids = [v[0] for v in versions]
    served = defaultdict(list)
    for vid, aid in ProcedureVersion.agencies.through.objects.filter(
            procedureversion_id__in=vids).values_list("procedureversion_id", "agency_id"):
        served[aid].append(vid)
    steps = _steps(vids)
    fees = defaultdict(int)
    for vid, amount in Fee.objects.filter(version_id__in=vids).values_list("version_id",
                                                                             "amount"):
        fees[vid] += amount
    components = defaultdict(list)
    for vid, *row in Component.objects.filter(version_id__in=vids).order_by(
            "version_id", "order", "pk").values_list("version_id", "id", "name",
                                                      "is_required", "reusable_kind"):
        components[vid].append(tuple(row))
    results = defaultdict(list)
    for vid, *row in ResultType.objects.filter(version_id__in=vids).order_by(
            "version_id", "order", "pk").values_list("version_id", "name", "is_electronic"):
        results[vid].append(tuple(row))

    # Popularity: a few procedures (birth registration, certified copies) make most dossiers.
    order = list(range(len(versions)))
    rng.shuffle(order)
    popularity = {versions[i][0]: 1 / (rank + 1) ** 0.9 for rank, i in enumerate(order)}
    by_id = {v[0]: v for v in versions}

    plans = []
    for aid, code, level in agencies:
        plan = AgencyPlan(aid, code, on_time=0.815 + 0.145 * rng.random(),
                          officials=tuple(person_name(rng, rng.choice("mf")) for _i in range(6)))
        for vid in sorted(served.get(aid, ()), key=lambda v: popularity[v], reverse=True):
            process = steps.get((vid, aid)) or steps.get((vid, None))
            if not process:
                continue  # no process template: it cannot be processed, so no dossiers
            _vid, pid, amount, unit, online, population = by_id[vid]
            plan.offerings.append(Offering(
                pid, vid, (Decimal(amount), unit), process, fees[vid], online, population,
                tuple(components[vid]), tuple(results[vid])))
        if plan.offerings:
            plan.cum = list(accumulate(popularity[o.version_id] for o in plan.offerings))
            size = rng.lognormvariate(0, 0.5)
            plans.append((plan, size * (4 if level == Agency.Level.PROVINCE else 1)))
    if not plans:
        raise NothingToSeed()
    return Province([p for p, _w in plans], list(accumulate(w for _p, w in plans)),
                    _people())


def _steps(vids) -> dict[tuple[int, int | None], tuple[Step, ...]]:
    rows = ProcessStep.objects.filter(template__version_id__in=vids).order_by(
        "template_id", "order").values_list("template__version_id", "template__agency_id",
                                            "id", "order", "share", "handled_by_id")
    out = defaultdict(list)
    for vid, aid, sid, order, share, handled_by in rows:
        out[(vid, aid)].append(Step(sid, order, share, handled_by))
    return {key: tuple(value) for key, value in out.items()}


def _people() -> People:
    province = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.PROVINCE).order_by("code").first()
    if province is None:
        return People("025", "tỉnh Phú Thọ", [])
    communes = list(province.children.filter(valid_to__isnull=True).order_by("code")
                    .values_list("name", flat=True))
    return People(province.code.zfill(3), province.name, communes)


def is_online_capable(offering: Offering) -> bool:
    return offering.online_level != OnlineLevel.NONE
