"""Administrative units of the two-level system (from 1 July 2025) and their mergers.

The upstream list is the `vietnam-provinces` package. Loading is bulk and idempotent: rows
are compared with what the table holds, so a second run writes nothing. Merger data
(valid_to, successor) is ours and never overwritten by a reload.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from vietnam_provinces import Province, Ward

from .errors import ValidationFailed
from .models import AdministrativeUnit
from .text import clean_name, fold

REFORM_DATE = date(2025, 7, 1)
# Fields the upstream list decides; the rest (validity, successor) is kept as recorded here.
SYNCED_FIELDS = ("name", "search_name", "level", "division_type", "codename", "parent_id")


def province_code(value: int) -> str:
    return f"{int(value):02d}"


def commune_code(value: int) -> str:
    return f"{int(value):05d}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: LoadResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _row(code: str, name: str, level: str, division_type, codename: str) -> dict:
    name = clean_name(name)
    return {
        "code": code, "name": name, "search_name": fold(name), "level": level,
        "division_type": str(getattr(division_type, "value", division_type)),
        "codename": codename,
    }


def upstream_provinces(codes: set[str] | None = None) -> list[dict]:
    rows = (
        _row(province_code(p.code), p.name, AdministrativeUnit.Level.PROVINCE, p.division_type,
             p.codename)
        for p in Province.iter_all()
    )
    return sorted((r for r in rows if codes is None or r["code"] in codes),
                  key=lambda r: r["code"])


def upstream_communes(codes: set[str] | None = None) -> list[dict]:
    """Commune rows with `parent_code`, the 2-digit code of their province."""
    rows = []
    for w in Ward.iter_all():
        parent = province_code(w.province_code)
        if codes is not None and parent not in codes:
            continue
        row = _row(commune_code(w.code), w.name, AdministrativeUnit.Level.COMMUNE,
                   w.division_type, w.codename)
        row["parent_code"] = parent
        rows.append(row)
    return sorted(rows, key=lambda r: r["code"])


def _sync(rows: list[dict], parent_ids: dict[str, int]) -> LoadResult:
    """Create missing rows and update changed ones, in bulk; report what happened."""
    result = LoadResult()
    existing = {u.code: u for u in AdministrativeUnit.objects.filter(
        code__in=[r["code"] for r in rows]
    ).only("pk", "code", *SYNCED_FIELDS)}
    to_create, to_update = [], []
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("code", "parent_code")}
        values["parent_id"] = parent_ids.get(row.get("parent_code"))
        unit = existing.get(row["code"])
        if unit is None:
            to_create.append(AdministrativeUnit(code=row["code"], valid_from=REFORM_DATE, **values))
        elif any(getattr(unit, f) != values[f] for f in SYNCED_FIELDS):
            for field in SYNCED_FIELDS:
                setattr(unit, field, values[field])
            to_update.append(unit)
        else:
            result.unchanged += 1
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
    AdministrativeUnit.objects.bulk_update(to_update, SYNCED_FIELDS, batch_size=1000)
    result.created, result.updated = len(to_create), len(to_update)
    return result


@transaction.atomic
def load_units(province_codes: Iterable[str] | None = None) -> dict[str, LoadResult]:
    """Load the 34 provinces and their communes (or only the provinces given, for tests)."""
    codes = {province_code(c) for c in province_codes} if province_codes is not None else None
    provinces = _sync(upstream_provinces(codes), {})
    parent_ids = dict(
        AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE)
        .values_list("code", "pk")
    )
    communes = _sync(upstream_communes(codes), parent_ids)
    return {"provinces": provinces, "communes": communes}


def record_merger(units: Iterable[AdministrativeUnit], into: AdministrativeUnit,
                  on_date: date) -> int:
    """Record that `units` were merged into `into` with effect from `on_date`.

    `valid_to` is the last day a merged unit existed (the day before `on_date`), matching
    `valid_from`, which is the first day. Returns the number of units changed.
    """
    units = list(units)
    pks = {u.pk for u in units}
    if not units:
        return 0
    if into.pk in pks or into.current().pk in pks:
        raise ValidationFailed(_("Không thể sáp nhập một đơn vị vào chính nó."),
                               code="merger_cycle")
    if into.valid_to is not None:
        raise ValidationFailed(_("Đơn vị nhận sáp nhập đã hết hiệu lực."),
                               code="merger_into_expired")
    if any(u.level != into.level for u in units):
        raise ValidationFailed(_("Chỉ sáp nhập các đơn vị cùng cấp."), code="merger_level")
    last_day = on_date - timedelta(days=1)
    if on_date <= into.valid_from or any(u.valid_from > last_day for u in units):
        raise ValidationFailed(_("Ngày sáp nhập phải sau ngày hiệu lực của các đơn vị."),
                               code="merger_date")
    already = [u.code for u in units if u.successor_id not in (None, into.pk)]
    if already:
        raise ValidationFailed(
            _("Đơn vị đã được sáp nhập vào đơn vị khác: %(codes)s.")
            % {"codes": ", ".join(already)},
            code="already_merged",
        )
    changed = AdministrativeUnit.objects.filter(pk__in=pks).update(
        valid_to=last_day, successor=into
    )
    for unit in units:  # keep the caller's instances in step with the table
        unit.valid_to, unit.successor = last_day, into
    return changed
