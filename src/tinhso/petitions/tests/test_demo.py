"""The demo's year of petitions: deterministic for a seed, realistic in its outcomes, and
what `tinhso load_demo` seeds (once)."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from tinhso.petitions import demo
from tinhso.petitions.models import Petition

NOW = datetime(2026, 11, 20, 10, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
S = Petition.Status


def snapshot():
    return list(Petition.objects.order_by("code").values_list(
        "code", "agency_id", "status", "answered_at", "rating", "closed_on_time"))


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_year(province):
    report = demo.seed(300, seed=7, now=NOW)
    first = snapshot()
    assert report.petitions == len(first) == 300
    Petition.objects.all().delete()
    demo.seed(300, seed=7, now=NOW)
    assert snapshot() == first


@pytest.mark.django_db
def test_a_realistic_year(province):
    r = demo.seed(400, seed=2026, now=NOW)
    qs = Petition.objects.all()
    answered = qs.filter(status=S.ANSWERED)
    assert answered.count() == r.answered > 250
    assert 0.75 < answered.filter(closed_on_time=True).count() / r.answered < 0.97
    assert 5 < qs.filter(status=S.REFUSED).count() == r.refused < 60
    assert qs.filter(forwarded_from__isnull=False).count() == r.forwarded > 5
    assert qs.filter(status__in=(S.RECEIVED, S.WAITING)).exists()  # the recent ones
    assert qs.filter(info_reply__gt="").exists()  # some were paused and answered
    assert answered.filter(is_public=True).count() > r.answered * 0.7
    rated = qs.filter(rating__isnull=False)
    assert rated.count() == r.rated > 100 and rated.filter(rating__gte=4).count() > r.rated / 2
    assert all(p.submitted_at <= NOW and (p.answered_at or NOW) <= NOW for p in qs)
    assert len({p.agency_id for p in qs}) == 4  # every agency of the small province
    assert qs.filter(agency=province.agency).count() > qs.filter(agency=province.commune).count()


@pytest.mark.django_db
def test_seed_petitions_command_runs_once(province):
    out = StringIO()
    call_command("seed_petitions", count=50, stdout=out)
    assert "Đã tạo 50 phản ánh, kiến nghị" in out.getvalue()
    call_command("seed_petitions", count=50, stdout=out)
    assert Petition.objects.count() == 50 and "không tạo thêm" in out.getvalue()
