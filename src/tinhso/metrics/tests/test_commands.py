"""`tinhso refresh_metrics` and `tinhso verify_metrics` (exit 1 on any difference)."""

from io import StringIO

import pytest
from django.core.management import call_command

from tinhso.metrics.models import DailyFact, DossierFact, MonthlyFact


def test_refresh_then_verify_agrees(seeded):
    out = StringIO()
    call_command("refresh_metrics", "--full", stdout=out)
    assert "600 hồ sơ" in out.getvalue()
    assert DossierFact.objects.count() == 600
    out = StringIO()
    call_command("verify_metrics", "--period", "2026-02", "--period", "2026-01",
                 "--period", "2025-12-01..2026-02-28", stdout=out)
    assert "KHỚP" in out.getvalue() and "KHÔNG KHỚP" not in out.getvalue()


def test_verify_exits_non_zero_on_a_mismatch(seeded):
    call_command("refresh_metrics", "--full", stdout=StringIO())
    row = DailyFact.objects.filter(received__gt=0, day__month=2).first()
    row.received -= 1
    row.save()
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_metrics", "--period", "2026-02", stdout=out, stderr=err)
    assert exit_.value.code == 1
    assert "KHÔNG KHỚP" in out.getvalue() and "received" in out.getvalue()
    assert "không khớp" in err.getvalue()


def test_verify_checks_the_monthly_rollup(seeded):
    call_command("refresh_metrics", "--full", stdout=StringIO())
    row = MonthlyFact.objects.filter(received__gt=0).first()
    row.received += 3
    row.save()
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_metrics", "--period", "2025-12-01..2025-12-02", stdout=out,
                     stderr=StringIO())
    assert "theo tháng" in out.getvalue()
