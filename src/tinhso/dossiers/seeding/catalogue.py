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

from tinhso.catalog import terms
from tinhso.catalog.models import (
    ChannelTime,
    Component,
    Fee,
    OnlineLevel,
    ProcedureCase,
    ProcedureVersion,
    ProcessStep,
    ResultType,
)
from tinhso.core.errors import DomainError
from tinhso.core.models import AdministrativeUnit, Agency, UserRole

from ..transitions import Step
from .people import People, person_name


class NothingToSeed(DomainError):
    code = "nothing_to_seed"
    default_message = _("Chưa có cơ quan và thủ tục đã công bố để tạo hồ sơ mẫu.")


@dataclass(frozen=True, slots=True)
class Terms:
    """What one filing of an offering brings: its case, statutory time, fees and papers."""

    case_id: int | None
    time: tuple[Decimal | None, str]
    fees: int
    components: tuple[tuple[int, str, bool, str], ...]  # id, name, required, reusable kind


@dataclass(frozen=True, slots=True)
class _VersionTime:
    processing_time: Decimal | None
    time_unit: str


@dataclass(frozen=True, slots=True)
class Offering:
    """One published procedure version as one agency runs it."""

    procedure_id: int
    version_id: int
    version_time: _VersionTime
    steps: tuple[Step, ...]
    online_level: str
    uses_population_data: bool
    cases: tuple[int, ...]  # empty: the procedure has no cases
    times: tuple[ChannelTime, ...]
    fees: tuple[Fee, ...]
    components: tuple[Component, ...]
    results: tuple[tuple[str, bool], ...]  # name, electronic

    def terms(self, rng: random.Random, channel: int, on) -> Terms:
        """A case chosen at random, with what the catalogue states for it on `channel`."""
        from ..models import CATALOG_CHANNEL

        case_id = rng.choice(self.cases) if self.cases else None
        on_channel = CATALOG_CHANNEL[channel]
        time = terms.statutory_time(self.version_time, self.times, case_id, on_channel)
        quote = terms.fee_quote(self.fees, case_id, on_channel, on)
        return Terms(case_id, time, quote.amount, tuple(
            (c.pk, c.name, c.is_required, c.reusable_kind) for c in self.components
            if terms.applies(c, case_id)))


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
    # (agency id, role) -> (id, name) of the active officials holding it: who can hold a step
    holders: dict[tuple[int, str], tuple[tuple[int, str], ...]] = field(default_factory=dict)

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
    cases, times, fees, components = (_rows(model, vids) for model in
                                      (ProcedureCase, ChannelTime, Fee, Component))
    results = defaultdict(list)
    for vid, *row in ResultType.objects.filter(version_id__in=vids).order_by(
            "version_id", "order", "pk").values_list("version_id", "name", "is_electronic"):
        results[vid].append(tuple(row))

    # Popularity: a few procedures make most dossiers. The province wrote e-forms for those
    # it files most (civil status, residence, household business): they lead, in a random
    # order, and the others follow, in a random order too.
    with_form = {vid for vid, rows in components.items() if any(c.form for c in rows)}
    order = list(range(len(versions)))
    rng.shuffle(order)
    order.sort(key=lambda i: versions[i][0] not in with_form)
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
                pid, vid, _VersionTime(amount, unit), process, online, population,
                tuple(c.pk for c in cases[vid]), times[vid], fees[vid], components[vid],
                tuple(results[vid])))
        if plan.offerings:
            plan.cum = list(accumulate(popularity[o.version_id] for o in plan.offerings))
            size = rng.lognormvariate(0, 0.5)
            plans.append((plan, size * (4 if level == Agency.Level.PROVINCE else 1)))
    if not plans:
        raise NothingToSeed()
    return Province([p for p, _w in plans], list(accumulate(w for _p, w in plans)),
                    _people(), _holders())


def _holders() -> dict[tuple[int, str], tuple[tuple[int, str], ...]]:
    """The officials who can hold each agency's steps, one query (demo accounts are few)."""
    out = defaultdict(list)
    for agency_id, role, user_id, full_name, username in UserRole.objects.filter(
            user__is_active=True, user__agency__isnull=False).order_by("user_id").values_list(
            "user__agency_id", "role", "user_id", "user__full_name", "user__username"):
        out[(agency_id, role)].append((user_id, full_name or username))
    return {key: tuple(people) for key, people in out.items()}


def _rows(model, vids) -> dict[int, tuple]:
    out = defaultdict(list)
    for row in model.objects.filter(version_id__in=vids).order_by("version_id", "order", "pk"):
        out[row.version_id].append(row)
    return defaultdict(tuple, {vid: tuple(rows) for vid, rows in out.items()})


def _steps(vids) -> dict[tuple[int, int | None], tuple[Step, ...]]:
    rows = ProcessStep.objects.filter(template__version_id__in=vids).order_by(
        "template_id", "order").values_list("template__version_id", "template__agency_id",
                                            "id", "order", "share", "handled_by_id", "role")
    out = defaultdict(list)
    for vid, aid, sid, order, share, handled_by, role in rows:
        out[(vid, aid)].append(Step(sid, order, share, handled_by, role))
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
