"""factory_boy factories for the core models, shared by every app's tests.

    unit = CommuneFactory()                      # a commune and its province
    agency = AgencyFactory(unit=unit.parent)     # a provincial agency
    officer = StaffFactory(agency=agency, roles=[Role.ONE_STOP_OFFICER])
    client.force_login(officer)                  # or log in with DEFAULT_PASSWORD

Codes are picked so that factory rows never collide with the real units that
`tinhso.core.units.load_units` loads (2-digit codes no province uses, communes from 90000)
or with demo agency codes (root letter "Z").
"""

import functools

import factory
from django.contrib.auth.hashers import make_password
from factory.django import DjangoModelFactory
from vietnam_provinces import Province

from tinhso.core.models import AdministrativeUnit, Agency, OneStopDesk, User, UserRole
from tinhso.core.roles import Role
from tinhso.core.text import fold
from tinhso.core.units import REFORM_DATE

DEFAULT_PASSWORD = "Mật-khẩu-thử-2026!"

_REAL_PROVINCES = {int(p.code) for p in Province.iter_all()}
FREE_PROVINCE_CODES = [f"{n:02d}" for n in range(99, 0, -1) if n not in _REAL_PROVINCES]


@functools.cache
def _password_hash(password: str) -> str:
    # Argon2 is deliberately slow; hashing once keeps factories cheap in big tests.
    return make_password(password)


def _codename(name: str) -> str:
    return fold(name).replace(" ", "_")


class ProvinceFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: FREE_PROVINCE_CODES[n % len(FREE_PROVINCE_CODES)])
    name = factory.Sequence(lambda n: f"Tỉnh Thử Nghiệm {n}")
    level = AdministrativeUnit.Level.PROVINCE
    division_type = "tỉnh"
    codename = factory.LazyAttribute(lambda o: _codename(o.name))
    valid_from = REFORM_DATE


class CommuneFactory(DjangoModelFactory):
    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{90000 + n % 10000:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử Nghiệm {n}")
    level = AdministrativeUnit.Level.COMMUNE
    division_type = "xã"
    codename = factory.LazyAttribute(lambda o: _codename(o.name))
    parent = factory.SubFactory(ProvinceFactory)
    valid_from = REFORM_DATE


class AgencyFactory(DjangoModelFactory):
    """A provincial agency (a department); its unit is a province."""

    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Z{n // 1000 % 100:02d}.{n % 1000 + 1}")
    name = factory.Sequence(lambda n: f"Sở Thử Nghiệm {n}")
    level = Agency.Level.PROVINCE
    unit = factory.SubFactory(ProvinceFactory)
    parent = None


class CommuneAgencyFactory(AgencyFactory):
    """A commune People's Committee; its unit is a commune."""

    level = Agency.Level.COMMUNE
    unit = factory.SubFactory(CommuneFactory)
    name = factory.LazyAttribute(lambda o: f"Ủy ban nhân dân {o.unit.name}")


class OneStopDeskFactory(DjangoModelFactory):
    class Meta:
        model = OneStopDesk

    agency = factory.SubFactory(AgencyFactory)
    name = factory.LazyAttribute(lambda o: f"Bộ phận một cửa {o.agency.name}")


class UserFactory(DjangoModelFactory):
    """An account with no agency and no role (a citizen); see StaffFactory for officials."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"nguoidung{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Thử {n}")
    password = factory.LazyFunction(lambda: _password_hash(DEFAULT_PASSWORD))
    agency = None

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        """`roles=[Role.SPECIALIST, ...]` (or one role) grants them, as the admin would."""
        if not extracted:
            return
        roles = [extracted] if isinstance(extracted, str) else list(extracted)
        for role in roles:
            UserRole.objects.get_or_create(user=self, role=Role(role))
        self.__dict__.pop("role_codes", None)  # drop a cached empty set


class StaffFactory(UserFactory):
    """An official of an agency; pass roles=[...] for what they may do."""

    username = factory.Sequence(lambda n: f"canbo{n}")
    agency = factory.SubFactory(AgencyFactory)
