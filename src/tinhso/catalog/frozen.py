"""What a published version holds, kept by each process after its first read.

A published (or retired) version's components, fees and implementing agencies never change:
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

from django.db.models import Sum

from .models import Component, Fee, ProcedureVersion


@dataclass(frozen=True)
class VersionParts:
    components: Mapping  # id -> Component, in the version's order (shared: read-only)
    agency_ids: frozenset[int]
    fees_total: int  # what a new dossier owes


def parts_of(version: ProcedureVersion) -> VersionParts:
    if not version.is_published:  # a draft still changes
        return _read(version.pk)
    return _parts(version.pk, version.published_at)


@lru_cache(maxsize=4096)
def _parts(version_id: int, published_at) -> VersionParts:
    return _read(version_id)


def _read(version_id: int) -> VersionParts:
    agencies = ProcedureVersion.agencies.through.objects.filter(procedureversion_id=version_id)
    total = Fee.objects.filter(version_id=version_id).aggregate(s=Sum("amount"))["s"]
    return VersionParts(
        components=MappingProxyType(
            {c.pk: c for c in Component.objects.filter(version_id=version_id)}),
        agency_ids=frozenset(agencies.values_list("agency_id", flat=True)),
        fees_total=total or 0)

