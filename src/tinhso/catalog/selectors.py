"""Read queries of the catalogue, already scoped to what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tinhso.core.text import fold

from . import frozen, terms
from .models import (
    Channel,
    ChannelTime,
    Component,
    Fee,
    Procedure,
    ProcedureCase,
    ProcedureVersion,
    ProcessTemplate,
    Sector,
)
from .services import can_manage

VERSION_PARTS = (
    "agencies", "components", "fees", "resulttypes",
    Prefetch("processes", ProcessTemplate.objects.select_related("agency").prefetch_related(
        "steps__handled_by")),
)


def sectors() -> QuerySet[Sector]:
    return Sector.objects.order_by("name")


def procedures(user) -> QuerySet[Procedure]:
    """The public sees procedures with a published version; administrators see drafts too."""
    qs = Procedure.objects.select_related("sector", "current_version").order_by("code")
    if not can_manage(user):
        qs = qs.filter(current_version__isnull=False)
    return qs


def with_current_parts(qs: QuerySet[Procedure]) -> QuerySet[Procedure]:
    return qs.prefetch_related(*(
        Prefetch(f"current_version__{p}") if isinstance(p, str)
        else Prefetch(f"current_version__{p.prefetch_through}", p.queryset)
        for p in VERSION_PARTS
    ))


def versions(user) -> QuerySet[ProcedureVersion]:
    qs = ProcedureVersion.objects.select_related("procedure").prefetch_related(*VERSION_PARTS)
    if not can_manage(user):
        qs = qs.exclude(status=ProcedureVersion.Status.DRAFT)
    return qs


def search(qs: QuerySet[Procedure], text: str) -> QuerySet[Procedure]:
    """Every word of the query, without diacritics or case, somewhere in the name, the code or
    the name of a case of the current version (a subquery: no join, no duplicate rows)."""
    for word in fold(text).split():
        in_case = Exists(ProcedureCase.objects.filter(version_id=OuterRef("current_version_id"),
                                                      search_name__contains=word))
        qs = qs.filter(Q(search_name__contains=word) | Q(code__startswith=word) | in_case)
    return qs


# --- What each case of a version brings, as pages and the API show it.


@dataclass(frozen=True)
class ChannelTerms:
    """One channel (or every channel: "") of one case: its statutory time and fees."""

    channel: str
    label: str
    processing_time: Decimal | None  # None: the published record states no time
    time_unit: str
    notes: tuple[str, ...]
    fees: terms.FeeQuote


@dataclass(frozen=True)
class CaseTerms:
    """A case (None for a version without cases) with the rows that apply to it."""

    case: ProcedureCase | None
    components: tuple[Component, ...]
    times: tuple[ChannelTime, ...]
    fees: tuple[Fee, ...]
    channels: tuple[ChannelTerms, ...]
    version: ProcedureVersion
    day: date

    @property
    def pk(self) -> int | None:
        return self.case.pk if self.case is not None else None

    @property
    def name(self) -> str:
        return self.case.name if self.case is not None else ""

    def on(self, channel: str) -> ChannelTerms:
        """The terms of one channel, also when the version names it nowhere."""
        found = next((c for c in self.channels if c.channel == channel), None)
        return found or _channel_terms(self.version, self.times, self.fees, self.pk, channel,
                                       self.day)


def _channel_terms(version, times, fees, case_id, channel, day) -> ChannelTerms:
    amount, unit = terms.statutory_time(version, times, case_id, channel)
    notes = tuple(t.note for t in times if t.note and t.channel in ("", channel))
    label = str(Channel(channel).label) if channel else ""
    return ChannelTerms(channel, label, amount, unit, notes,
                        terms.fee_quote(fees, case_id, channel, day))


def case_terms(version: ProcedureVersion, *, day: date | None = None,
               channels: tuple[str, ...] = ()) -> list[CaseTerms]:
    """Per case (one entry with case None when the version has none): its papers, the time
    and fee rows that apply, and per channel the statutory time and fee quote of
    catalog.terms. The channels listed are those the version names for the case, plus
    `channels`; when it names none and none is asked, one entry for every channel ("")."""
    parts = frozen.parts_of(version)
    day = day or timezone.localdate()
    result = []
    for case in list(parts.cases.values()) or [None]:
        case_id = case.pk if case is not None else None
        times = tuple(t for t in parts.times if terms.applies(t, case_id))
        fees = tuple(f for f in parts.fees if terms.applies(f, case_id))
        named = {row.channel for row in (*times, *fees) if row.channel} | set(channels)
        wanted = [c for c in Channel.values if c in named] or [""]
        result.append(CaseTerms(
            case=case,
            components=tuple(c for c in parts.components.values()
                             if terms.applies(c, case_id)),
            times=times, fees=fees,
            channels=tuple(_channel_terms(version, times, fees, case_id, c, day)
                           for c in wanted),
            version=version, day=day))
    return result
