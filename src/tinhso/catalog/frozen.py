"""What a published version holds, kept by each process after its first read.

A published (or retired) version's cases, components, times, fees and agencies never change:
models.py refuses the edit, a change makes a new version. Every submission needs them, and
reading them was a fifth of a submission's CPU (a join, an aggregate and a list on each
request). Only the version's status still changes (retired when a newer one is published),
so callers read that themselves. The key is the id with the time of publication: a test
database that rolls back may give a later version the same id, never the same instant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from .models import ChannelTime, Component, Fee, ProcedureCase, ProcedureVersion


@dataclass(frozen=True)
class VersionParts:
    """Shared between requests: read-only. Each kind in the version's order."""

    components: Mapping  # id -> Component
    agency_ids: frozenset[int]
    cases: Mapping  # id -> ProcedureCase
    times: tuple[ChannelTime, ...]
    fees: tuple[Fee, ...]


def parts_of(version: ProcedureVersion) -> VersionParts:
    if not version.is_published:  # a draft still changes
        return _read(version.pk)
    return _parts(version.pk, version.published_at)


@lru_cache(maxsize=4096)
def _parts(version_id: int, published_at) -> VersionParts:
    return _read(version_id)


def _read(version_id: int) -> VersionParts:
    agencies = ProcedureVersion.agencies.through.objects.filter(procedureversion_id=version_id)

    def rows(model):
        return model.objects.filter(version_id=version_id).order_by("order", "pk")

    return VersionParts(
        components=MappingProxyType({c.pk: c for c in rows(Component)}),
        agency_ids=frozenset(agencies.values_list("agency_id", flat=True)),
        cases=MappingProxyType({c.pk: c for c in rows(ProcedureCase)}),
        times=tuple(rows(ChannelTime)),
        fees=tuple(rows(Fee)))

