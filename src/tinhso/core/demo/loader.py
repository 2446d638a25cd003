"""Loads the demo province's agencies, one-stop desks and staff accounts, in bulk, idempotently.

A second run creates nothing. Existing accounts are left as they are (an operator may have
changed a password) unless `reset_passwords` is asked for.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core import audit
from tinhso.core.errors import ValidationFailed
from tinhso.core.models import AdministrativeUnit, Agency, OneStopDesk, User, UserRole
from tinhso.core.roles import Role
from tinhso.core.text import clean_name, fold

from .data import PHU_THO, DemoProvince

DEFAULT_DEMO_PASSWORD = "tinhso-demo-2026"
AGENCY_FIELDS = ("name", "search_name", "short_name", "level", "parent_id", "unit_id", "address")


def demo_password() -> str:
    return os.environ.get("TINHSO_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


@dataclass
class AccountRow:
    username: str
    role: str
    agency: str
    password: str
    created: bool


@dataclass
class DemoResult:
    agencies_created: int = 0
    agencies_updated: int = 0
    agencies_unchanged: int = 0
    desks_created: int = 0
    accounts: list[AccountRow] = field(default_factory=list)

    @property
    def accounts_created(self) -> int:
        return sum(row.created for row in self.accounts)


def place_label(unit: AdministrativeUnit) -> str:
    """'tỉnh Phú Thọ', 'phường Việt Trì', 'thành phố Hà Nội': a unit as it follows a title."""
    kind = "thành phố" if unit.division_type.startswith("thành phố") else unit.division_type
    name = unit.name
    if name.lower().startswith(kind + " "):
        name = name[len(kind) + 1:]
    return f"{kind} {name}"


def _agency(code: str, name: str, short_name: str, level: str, parent_id, unit, address) -> dict:
    name = clean_name(name)
    return {"code": code, "name": name, "search_name": fold(name), "short_name": short_name,
            "level": level, "parent_id": parent_id, "unit_id": unit.pk, "address": address}


def _sync_agencies(rows: list[dict], result: DemoResult) -> dict[str, Agency]:
    existing = {a.code: a for a in Agency.objects.filter(code__in=[r["code"] for r in rows])}
    to_create, to_update = [], []
    for row in rows:
        agency = existing.get(row["code"])
        if agency is None:
            to_create.append(Agency(**row))
        elif any(getattr(agency, f) != row[f] for f in AGENCY_FIELDS):
            for f in AGENCY_FIELDS:
                setattr(agency, f, row[f])
            to_update.append(agency)
        else:
            result.agencies_unchanged += 1
    Agency.objects.bulk_create(to_create)
    Agency.objects.bulk_update(to_update, AGENCY_FIELDS)
    result.agencies_created += len(to_create)
    result.agencies_updated += len(to_update)
    return {a.code: a for a in Agency.objects.filter(code__in=[r["code"] for r in rows])}


def _commune_codes(spec: DemoProvince, root: Agency, communes) -> dict[int, str]:
    """Agency code per commune unit: kept if it has one, else the next free number."""
    known = dict(
        Agency.objects.filter(parent=root, level=Agency.Level.COMMUNE)
        .values_list("unit_id", "code")
    )
    used = [int(code.rsplit(".", 1)[1]) for code in known.values()]
    number = max(used, default=spec.first_commune_number - 1) + 1
    codes = {}
    for unit in communes:  # in ward-code order, so a first load numbers them in that order
        if unit.pk in known:
            codes[unit.pk] = known[unit.pk]
        else:
            codes[unit.pk] = f"{spec.root_code}.{number}"
            number += 1
    return codes


def _load_agencies(spec: DemoProvince, province: AdministrativeUnit, result: DemoResult):
    communes = list(
        province.children.filter(level=AdministrativeUnit.Level.COMMUNE, valid_to__isnull=True)
        .order_by("code")
    )
    if not communes:
        raise ValidationFailed(_("Chưa có danh mục xã/phường của tỉnh mẫu."), code="no_units")
    place = place_label(province)
    capital = next((u for u in communes if u.code == spec.capital_unit_code), communes[0])
    address = f"{place_label(capital)}, {place}"
    level = Agency.Level
    root = _sync_agencies([_agency(spec.root_code, f"Ủy ban nhân dân {place}", "UBND tỉnh",
                                   level.PROVINCE, None, province, address)], result)
    root = root[spec.root_code]
    rows = [
        _agency(f"{spec.root_code}.{d.number:02d}", d.name.format(province=place), d.short_name,
                level.PROVINCE, root.pk, province, address)
        for d in spec.departments
    ]
    codes = _commune_codes(spec, root, communes)
    rows += [
        _agency(codes[u.pk], f"Ủy ban nhân dân {place_label(u)}", f"UBND {place_label(u)}",
                level.COMMUNE, root.pk, u, f"{u.name}, {place}")
        for u in communes
    ]
    agencies = _sync_agencies(rows, result)
    police = agencies[f"{spec.root_code}.{spec.police:02d}"]
    agencies |= _sync_agencies([
        _agency(f"{police.code}.{codes[u.pk].rsplit('.', 1)[1]}", f"Công an {place_label(u)}",
                f"Công an {place_label(u)}", level.COMMUNE, police.pk, u, f"{u.name}, {place}")
        for u in communes
    ], result)
    agencies[root.code] = root
    return agencies, communes, place


def _load_desks(spec, agencies, communes, codes_by_unit, place, result: DemoResult) -> None:
    wanted = {
        codes_by_unit[u.pk]: (f"Bộ phận một cửa {place_label(u)}", f"{u.name}, {place}")
        for u in communes
    }
    centre = agencies[f"{spec.root_code}.{spec.service_centre:02d}"]
    wanted[centre.code] = (f"Bộ phận một cửa {place}", centre.address)
    with_desk = set(OneStopDesk.objects.filter(agency__code__in=wanted)
                    .values_list("agency__code", flat=True))
    desks = [OneStopDesk(agency=agencies[code], name=name, address=address)
             for code, (name, address) in wanted.items() if code not in with_desk]
    OneStopDesk.objects.bulk_create(desks)
    result.desks_created = len(desks)


def _load_accounts(spec, agencies, codes_by_unit_code, password, reset_passwords, result):
    # One hash for the shared demo password: Argon2 per account would cost seconds, and the
    # password is public anyway. A password changed later gets its own salt.
    encoded = make_password(password)
    existing = {u.username: u for u in User.objects.filter(
        username__in=[a.username for a in spec.accounts])}
    new_users, roles = [], []
    for account in spec.accounts:
        code = account.agency
        if code.startswith("unit:"):
            code = codes_by_unit_code[code.removeprefix("unit:")]
        agency = agencies[code]
        user = existing.get(account.username)
        if user is None:
            user = User(username=account.username, full_name=account.full_name, agency=agency,
                        password=encoded, is_staff=account.superuser,
                        is_superuser=account.superuser)
            new_users.append(user)
        roles.append((account, user))
        result.accounts.append(AccountRow(
            account.username, str(Role(account.role).label), agency.name,
            password if user.pk is None or reset_passwords else _("(giữ nguyên)"),
            created=user.pk is None,
        ))
    User.objects.bulk_create(new_users)
    if reset_passwords and existing:
        User.objects.filter(pk__in=[u.pk for u in existing.values()]).update(password=encoded)
    held = set(UserRole.objects.filter(user__in=[u for _a, u in roles])
               .values_list("user_id", "role"))
    UserRole.objects.bulk_create([UserRole(user=u, role=a.role) for a, u in roles
                                  if (u.pk, a.role) not in held])
    # bulk_create sends no signals, so the audit log is told once, in one entry.
    if new_users or (reset_passwords and existing):
        audit.record("demo.accounts_loaded", data={
            "created": {a.username: a.role for a, u in roles if a.username not in existing},
            "passwords_reset": sorted(existing) if reset_passwords else [],
        })


@transaction.atomic
def load_demo_province(spec: DemoProvince = PHU_THO, *, password: str | None = None,
                       reset_passwords: bool = False) -> DemoResult:
    """Agencies, desks and accounts of the demo province; its units must be loaded."""
    result = DemoResult()
    province = AdministrativeUnit.objects.filter(code=spec.province_code).first()
    if province is None:
        raise ValidationFailed(_("Chưa có đơn vị hành chính của tỉnh mẫu."), code="no_units")
    agencies, communes, place = _load_agencies(spec, province, result)
    root = agencies[spec.root_code]  # communes' committees, not their police
    codes_by_unit = {a.unit_id: code for code, a in agencies.items()
                     if a.level == Agency.Level.COMMUNE and a.parent_id == root.pk}
    _load_desks(spec, agencies, communes, codes_by_unit, place, result)
    codes_by_unit_code = {u.code: codes_by_unit[u.pk] for u in communes}
    _load_accounts(spec, agencies, codes_by_unit_code, password or demo_password(),
                   reset_passwords, result)
    return result
