"""A seeded province for the index: the seeding tests' small province plus a year of dossiers."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tinhso.dossiers import seeding
from tinhso.dossiers.tests.conftest import make_dossier, province  # noqa: F401
from tinhso.dossiers.tests.test_seeding import small_province  # noqa: F401

VN = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 3, 20, 10, 30, tzinfo=VN)  # the seeded months include Tết 2026
TODAY = NOW.date()


@pytest.fixture
def seeded(small_province):  # noqa: F811
    seeding.seed(600, months=6, seed=5, now=NOW, batch_size=300)
    return small_province
