"""A citizen filing a form they filed before (the same fields, in a dossier of theirs) is
offered to fill it from that filing, through the portal's pages; the fields personal to one
case (``"reuse": false``) and those prefilled from the identity are not copied."""

import copy
import re

import pytest
from django.urls import reverse

from tinhso.catalog import forms_schema
from tinhso.portal.models import Draft

from .eform import FORM, communes, eform_procedure
from .test_eforms import base, good, open_papers, submitted

pytestmark = pytest.mark.django_db

# The declaration's content is this case's own; the rest (head of household, address,
# members) stays true from one filing to the next.
REUSING = copy.deepcopy(FORM)
next(f for f in REUSING["fields"] if f["name"] == "noi_dung")["reuse"] = False


@pytest.fixture
def eform(province):
    communes(province.unit)
    return eform_procedure([province.agency], form=REUSING)


def value(html, name):
    found = re.search(rf'name="{re.escape(name)}" id="[^"]*" value="([^"]*)"', html)
    return found[1] if found else None


def test_the_next_filing_is_offered_the_previous_form_and_fills_it(login, province, eform):
    client = login(province.citizen)
    first = submitted(client, province, eform)
    draft, papers = open_papers(client, province, eform)
    assert draft.dossier_id is None
    html = client.get(papers).content.decode()
    b, cid = base(eform), eform.declaration.pk
    assert f'id="previous-{cid}"' in html and first.code in html
    assert value(html, f"{b}-chu_ho") == ""  # offered, not filled before the citizen asks

    response = client.post(papers, {**good(eform, chu_ho="", quan_he="", noi_dung="Lần này"),
                                    "reuse-form": str(cid)})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đã điền tờ khai từ lần nộp trước" in html
    assert value(html, f"{b}-chu_ho") == "Trần Văn Cả"
    assert value(html, f"{b}-quan_he") == "Con"
    assert value(html, f"{b}-noi_o-detail") == "Số 5, đường Hùng Vương"
    assert value(html, f"{b}-thanh_vien-0-ho_ten") == "Trần Thị Bé"
    assert value(html, f"{b}-ngay_sinh") == "1995-03-02"
    assert value(html, f"{b}-ho_ten") == "Trần Văn Dân"  # the identity's, afresh
    # The case's own content is not copied: what the citizen typed for this dossier stays.
    assert "bổ túc hồ sơ xin việc" not in html and ">Lần này</textarea>" in html
    kept = Draft.objects.get(pk=draft.pk).papers.get(component=eform.declaration).form_data
    assert kept["chu_ho"] == "Trần Văn Cả" and kept["noi_dung"] == "Lần này"
    response = client.post(papers, {**good(eform, noi_dung="Xác nhận để vay vốn."),
                                    "next": "1"})
    assert response.status_code == 302


def test_nothing_is_offered_without_a_previous_filing_of_ones_own(login, province, eform):
    # Another citizen filed this form: not this citizen's to reuse.
    other = province.other_citizen
    other.full_name = "Lê Thị Khác"
    other.save(update_fields=["full_name"])
    assert submitted(login(other), province, eform).applicant_user == other
    client = login(province.citizen)
    _draft, papers = open_papers(client, province, eform)
    html = client.get(papers).content.decode()
    assert f'id="previous-{eform.declaration.pk}"' not in html
    response = client.post(papers, {**good(eform), "reuse-form": str(eform.declaration.pk)})
    assert "Không có tờ khai đã nộp trước đây để dùng lại" in response.content.decode()


def test_a_form_with_other_fields_is_not_offered_what_was_filed_in_another(login, province,
                                                                           eform):
    client = login(province.citizen)
    submitted(client, province, eform)
    other_form = copy.deepcopy(REUSING)
    other_form["fields"].append({"name": "nghe_nghiep", "label": "Nghề nghiệp", "type": "text"})
    other = eform_procedure([province.agency], code="1.010042", form=other_form)
    same = eform_procedure([province.agency], code="1.010043", form={
        **copy.deepcopy(REUSING), "title": "Tờ khai khác tên, cùng các trường"})
    for procedure, offered in ((other, False), (same, True)):
        client.get(reverse("portal:file", args=[procedure.procedure.code]))
        draft = Draft.objects.get(procedure=procedure.procedure, dossier=None)
        client.post(reverse("portal:draft_applicant", args=[draft.pk]),
                    {"agency": province.agency.pk, "phone": "0912345678"})
        html = client.get(reverse("portal:draft_papers", args=[draft.pk])).content.decode()
        assert (f'id="previous-{procedure.declaration.pk}"' in html) is offered


def test_what_is_reusable_of_a_filed_form():
    form = {"title": "T", "fields": [
        {"name": "ten", "label": "Tên", "type": "text", "prefill": "identity:name"},
        {"name": "cha", "label": "Cha", "type": "text"},
        {"name": "tre", "label": "Trẻ", "type": "text", "reuse": False},
        {"name": "con", "label": "Con", "type": "group", "fields": [
            {"name": "ten", "label": "Tên", "type": "text"},
            {"name": "ghi_chu", "label": "Ghi chú", "type": "text", "reuse": False}]}]}
    assert forms_schema.definition_problems(form) == []
    filed = {"ten": "A", "cha": "B", "tre": "C", "con": [{"ten": "D", "ghi_chu": "E"},
                                                         {"ten": "", "ghi_chu": "F"}]}
    assert forms_schema.reusable(form, filed) == {"cha": "B", "con": [{"ten": "D"}]}
    assert forms_schema.definition_problems({**form, "fields": [
        {"name": "x", "label": "X", "type": "text", "reuse": "no"}]}) == [
        "fields[0] (x): “reuse” phải là true hoặc false."]
    shuffled = {"title": "U", "fields": list(reversed(form["fields"]))}
    assert forms_schema.same_fields(form, shuffled)
    assert not forms_schema.same_fields(form, {"title": "T", "fields": form["fields"][:2]})
