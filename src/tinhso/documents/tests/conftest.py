"""Two agencies of a test province with their staff, and a demo PKI (made once per session)
holding the leaders' keys and both agencies' seals.

`office` is a Sở (Z90.1, notations "…-SXD"), `commune` a commune committee (Z90.2, "…-UBND");
each has a clerk (one-stop officer), a specialist, a division head and a leader.
"""

from dataclasses import dataclass

import pytest

from tinhso.core.models import Agency, User
from tinhso.core.roles import Role
from tinhso.core.tests.factories import AgencyFactory, StaffFactory
from tinhso.signing.testing import make_pki, use_pki

OFFICE = ("Z90.1", "Sở Xây dựng tỉnh Thử Nghiệm", "Sở Xây dựng")
COMMUNE = ("Z90.2", "Ủy ban nhân dân xã Thử Nghiệm", "UBND xã Thử Nghiệm")
ROLES = {"clerk": Role.ONE_STOP_OFFICER, "specialist": Role.SPECIALIST,
         "head": Role.DIVISION_HEAD, "leader": Role.AGENCY_LEADER}


@dataclass
class Staff:
    agency: Agency
    clerk: User
    specialist: User
    head: User
    leader: User


@pytest.fixture(scope="session")
def document_pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documents-pki")
    return make_pki(folder, officials=[
        ("leader.office", "Phạm Quốc Hùng", OFFICE[0], OFFICE[1]),
        ("leader.commune", "Lê Thị Thu Hà", COMMUNE[0], COMMUNE[1])])


def _staff(code, name, short, slug) -> Staff:
    agency = AgencyFactory(code=code, name=name, short_name=short)
    people = {key: StaffFactory(username=f"{key}.{slug}", full_name=f"{key} {slug}",
                                agency=agency, roles=[role]) for key, role in ROLES.items()}
    return Staff(agency, **people)


@pytest.fixture
def office(db, settings, document_pki):
    use_pki(settings, document_pki)
    return _staff(*OFFICE, "office")


@pytest.fixture
def commune(db, office):
    return _staff(*COMMUNE, "commune")
