"""The case's own statutory time sets the due date, and the on-time judgement of the service
index reads it: a dossier of a faster case is late when its version's general time says not."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tinhso.catalog import services
from tinhso.catalog.models import ChannelTime
from tinhso.catalog.services import SYSTEM
from tinhso.core.calendar import get_calendar
from tinhso.core.timeunits import TimeUnit
from tinhso.dossiers import lifecycle, notifications
from tinhso.dossiers.inputs import ApplicantInput, ComponentInput
from tinhso.dossiers.timeliness import Timeliness, classify
from tinhso.dossiers.transitions import Action
from tinhso.portal.tests.residence import residence_procedure

from .conftest import CITIZEN_ID

pytestmark = pytest.mark.django_db


@pytest.fixture
def residence(province):
    """Đăng ký thường trú whose "with family" case takes 2 working days online (7 otherwise)."""
    home = residence_procedure([province.agency], code="1.004223")
    draft = services.new_version(SYSTEM, home.procedure)
    family = draft.procedurecases.get(name=home.with_family.name)
    services.save_part(SYSTEM, ChannelTime(version=draft, case=family, channel="online",
                                           processing_time=Decimal(2),
                                           time_unit=TimeUnit.WORKING_DAYS))
    services.publish(SYSTEM, draft)
    return home.procedure.pk, draft


def _file(province, procedure, version, case_name, at):
    case = version.procedurecases.get(name=case_name)
    papers = [ComponentInput("", c.pk, file=ContentFile(b"%PDF-1.4\n", name="giay-to.pdf"))
              for c in version.components.filter(is_required=True)
              if c.case_id in (None, case.pk)]
    dossier = lifecycle.submit(province.citizen, procedure=procedure, agency=province.agency,
                               case=case, channel=2, components=papers, at=at,
                               applicant=ApplicantInput("citizen", "Trần Văn Dân", CITIZEN_ID))
    return lifecycle.receive(province.officer, dossier, at=at + timedelta(minutes=5))


def test_the_cases_time_sets_the_due_date_and_the_on_time_judgement(province, residence):
    procedure, version = residence
    at = timezone.now().replace(hour=9, minute=0) - timedelta(days=20)
    at = get_calendar().next_opening(at)
    family = _file(province, procedure, version, "Đăng ký thường trú về ở với vợ, chồng, "
                   "cha, mẹ, con", at)
    home = _file(province, procedure, version, "Đăng ký thường trú tại chỗ ở hợp pháp thuộc "
                 "quyền sở hữu của mình", at)
    cal = get_calendar()
    assert (family.processing_time, family.time_unit) == (2, "working_days")
    assert family.due_at == cal.due_at(family.received_at, 2, TimeUnit.WORKING_DAYS)
    assert home.due_at == cal.due_at(home.received_at, 7, TimeUnit.WORKING_DAYS)
    # Both still open after 4 working days: the faster case is late, the other on time.
    when = cal.add_working_days(family.received_at, 4)
    assert classify(family, when - timedelta(days=1), when, cal) == Timeliness.OPEN_LATE
    assert classify(home, when - timedelta(days=1), when, cal) == Timeliness.OPEN_ON_TIME


def test_the_receipt_notice_names_the_case(province, residence):
    procedure, version = residence
    at = get_calendar().next_opening(timezone.now() - timedelta(days=3))
    family = _file(province, procedure, version, "Đăng ký thường trú về ở với vợ, chồng, "
                   "cha, mẹ, con", at)
    _subject, text = notifications.compose(family, Action.RECEIVE)
    assert text.startswith(f"Hồ sơ {family.code} (Đăng ký thường trú, trường hợp: Đăng ký "
                           "thường trú về ở với vợ, chồng, cha, mẹ, con) đã được tiếp nhận")
