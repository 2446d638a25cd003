"""My work, the filtered list with pagination, and its Excel export."""

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tinhso.backoffice import exports
from tinhso.dossiers.models import Dossier, Status
from tinhso.dossiers.tests.conftest import OTHER_CITIZEN_ID, citizen_applicant


def test_my_work_shows_the_queues_and_status_counts(login, province, make_dossier):
    waiting = make_dossier()
    late = make_dossier(Status.PROCESSING)  # received Feb 2026: long overdue now
    html = login(province.officer).get(reverse("backoffice:index")).content.decode()
    assert 'id="count-to_receive" data-count="1"' in html
    assert 'id="count-overdue" data-count="0"' in html  # the late one is the specialist's
    assert waiting.code in html and late.code not in html
    assert '<tr data-status="1">' in html
    html = login(province.specialist).get(reverse("backoffice:index")).content.decode()
    assert 'id="count-processing" data-count="1"' in html
    assert 'id="count-overdue" data-count="1"' in html and late.code in html
    assert 'id="count-to_receive" data-count="0"' in html  # the desk's queue, not theirs


def test_due_queues_use_working_time(login, province, make_dossier):
    dossier = make_dossier(Status.PROCESSING)
    Dossier.objects.filter(pk=dossier.pk).update(due_at=timezone.now() + timedelta(minutes=5))
    html = login(province.specialist).get(reverse("backoffice:index")).content.decode()
    assert 'id="count-overdue" data-count="0"' in html
    assert 'id="count-due_soon" data-count="1"' in html


def test_filters_narrow_the_list(login, province, make_dossier):
    mine = make_dossier(Status.RECEIVED)
    other = make_dossier(applicant=citizen_applicant(OTHER_CITIZEN_ID, "Phạm Thu Hà"),
                         user=province.other_citizen)
    client = login(province.officer)
    url = reverse("backoffice:dossiers")
    html = client.get(url, {"q": "Thu Hà"}).content.decode()
    assert other.code in html and mine.code not in html
    html = client.get(url, {"status": Status.RECEIVED}).content.decode()
    assert mine.code in html and other.code not in html
    html = client.get(url, {"q": mine.code}).content.decode()
    assert mine.code in html and other.code not in html
    html = client.get(url, {"overdue": "1"}).content.decode()
    assert mine.code in html and other.code not in html
    html = client.get(url, {"procedure": "9.999999"}).content.decode()
    assert mine.code not in html and other.code not in html
    html = client.get(url, {"bucket": "to_receive"}).content.decode()
    assert other.code in html and mine.code not in html
    response = client.get(url, {"received_from": "2026-03-01", "received_to": "2026-02-01"})
    assert "Ngày kết thúc phải sau ngày bắt đầu." in response.content.decode()


def test_a_fragment_found_more_often_than_shown_says_so(login, province, make_dossier,
                                                        monkeypatch):
    from tinhso.dossiers import search

    monkeypatch.setattr(search, "SHOWN", 2)
    codes = [make_dossier().code for _ in range(3)]
    client = login(province.officer)
    url = reverse("backoffice:dossiers")
    html = client.get(url, {"q": "van dan"}).content.decode()
    assert "Tìm thấy 2 hồ sơ. Chỉ hiện những hồ sơ mới nhất khớp" in html
    assert sum(code in html for code in codes) == 2
    html = client.get(url, {"q": codes[0]}).content.decode()
    assert "Tìm thấy 1 hồ sơ.</p>" in html


def test_the_list_is_paginated(login, province, make_dossier, monkeypatch):
    from tinhso.backoffice.views import work

    monkeypatch.setattr(work, "PAGE_SIZE", 2)
    codes = [make_dossier().code for _ in range(3)]
    client = login(province.officer)
    first = client.get(reverse("backoffice:dossiers")).content.decode()
    second = client.get(reverse("backoffice:dossiers"), {"page": 2}).content.decode()
    assert "Trang 1/2" in first and 'rel="next"' in first
    assert sum(c in first for c in codes) == 2 and sum(c in second for c in codes) == 1


def test_export_writes_the_filtered_list(login, province, make_dossier):
    mine = make_dossier(Status.RECEIVED)
    other = make_dossier()
    response = login(province.officer).get(reverse("backoffice:export"),
                                           {"status": Status.RECEIVED})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ho-so-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == tuple(exports.headers())
    assert rows[0][0] == "Mã hồ sơ" and rows[0][5] == "Trạng thái"
    assert [r[0] for r in rows[1:]] == [mine.code]
    assert rows[1][3] == "Trần Văn Dân" and rows[1][5] == "Được tiếp nhận"
    assert rows[1][12] == "Có"  # due in Feb 2026, long past
    assert other.code not in {r[0] for r in rows}


def test_export_is_bounded(province, make_dossier, monkeypatch):
    monkeypatch.setattr(exports, "MAX_ROWS", 1)
    make_dossier()
    make_dossier()
    out = io.BytesIO()
    assert exports.write(Dossier.objects.order_by("pk"), out) == 1
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert len(rows) == 3 and rows[2][0].startswith("Danh sách bị cắt")


def test_export_is_scoped_to_the_agency(login, province, make_dossier):
    make_dossier()
    response = login(province.other_officer).get(reverse("backoffice:export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1
