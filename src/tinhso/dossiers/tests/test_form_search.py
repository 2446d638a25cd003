"""An official's search finds a dossier by what was filed in its e-forms (a child's name, a
business name), diacritics and case ignored, within the official's agency; the texts join the
dossier's search text once, at submission (or a supplement), never read from JSON by a query."""

import pytest

from tinhso.catalog import frozen
from tinhso.catalog.models import Component
from tinhso.dossiers import lifecycle, selectors
from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import SEARCH_FORM_MAX, Channel, Dossier, Status, search_text

from .conftest import citizen_applicant, full_components

pytestmark = pytest.mark.django_db

BIRTH = {"title": "Tờ khai đăng ký khai sinh", "fields": [
    {"name": "ten_tre", "label": "Họ, chữ đệm, tên người được khai sinh", "type": "text",
     "required": True, "reuse": False},
    {"name": "noi_sinh", "label": "Nơi sinh", "type": "text"},
    {"name": "ghi_chu", "label": "Ghi chú", "type": "text", "multiline": True},
    {"name": "so_dinh_danh_me", "label": "Số định danh của mẹ", "type": "personal_id"},
    {"name": "anh_chi_em", "label": "Anh chị em ruột", "type": "group", "fields": [
        {"name": "ho_ten", "label": "Họ tên", "type": "text"}]},
]}


@pytest.fixture
def birth(province):
    Component.objects.filter(pk=province.form.pk).update(form=BIRTH)
    frozen._parts.cache_clear()  # the version's parts as read before the form was set
    return province


def filed(p, values, **kw):
    papers = full_components(p)
    papers[0] = ComponentInput("Tờ khai", p.form.pk, form_data=values)
    return lifecycle.submit(p.citizen, channel=Channel.ONLINE, procedure=p.procedure,
                            agency=p.agency, applicant=_applicant(p), components=papers, **kw)


def _applicant(p):
    return citizen_applicant(p.citizen.personal_id, name=p.citizen.full_name)


def found(actor, q):
    return set(selectors.filter_dossiers(selectors.dossiers_for(actor), q=q, actor=actor)
               .values_list("code", flat=True))


def test_a_dossier_is_found_by_a_name_in_its_form_folded(birth, make_dossier):
    p = birth
    dossier = filed(p, {"ten_tre": "Nguyễn Thị Bé", "noi_sinh": "Bệnh viện Đa khoa tỉnh",
                        "ghi_chu": "Sinh non ở nhà hộ sinh",
                        "so_dinh_danh_me": "025195001234",
                        "anh_chi_em": [{"ho_ten": "Nguyễn Văn Anh Cả"}]})
    other = make_dossier()  # the same applicant, no form: the form's names are not his
    assert dossier.status == Status.SUBMITTED
    assert found(p.officer, "nguyen thi be") == {dossier.code}
    assert found(p.officer, "NGUYỄN THỊ BÉ") == {dossier.code}
    assert found(p.officer, "van anh ca") == {dossier.code}  # a group's row
    assert found(p.officer, "benh vien da khoa") == {dossier.code}
    assert found(p.officer, "Trần Văn Dân") == {dossier.code, other.code}  # still the name
    # Multi-line texts and ids are not searched (long; a run of digits is looked up whole).
    assert found(p.officer, "sinh non") == set()
    assert found(p.officer, "025195001234") == set()
    # No fragment across two values: each stands apart in the search text.
    assert found(p.officer, "be benh") == set()
    # Another agency's official does not find it, by the form or otherwise.
    assert found(p.other_officer, "nguyen thi be") == set()
    assert found(p.supervisor, "nguyen thi be") == {dossier.code}  # province-wide
    stored = Dossier.objects.get(pk=dossier.pk).search_text
    assert stored == (f"{dossier.code.lower()} tran van dan | nguyen thi be | "
                      "benh vien da khoa tinh | nguyen van anh ca")


def test_a_supplements_form_joins_the_search(birth, make_dossier):
    p = birth
    dossier = make_dossier(Status.RECEIVED)
    dossier = lifecycle.request_supplement(p.officer, dossier, reasons="Thiếu tờ khai")
    lifecycle.supplement(p.citizen, dossier, components=[
        ComponentInput("Tờ khai", p.form.pk, form_data={"ten_tre": "Lê Hoàng Yến"})])
    assert found(p.officer, "le hoang yen") == {dossier.code}


def test_the_search_text_keeps_within_its_room():
    names = [f"Người thứ {i} có tên khá dài để lấp chỗ" for i in range(30)]
    text = search_text("H44.07-261204-0001", "Trần Văn Dân", [*names, "Trần Văn Dân"])
    head, *rest = text.split(" | ")
    assert head == "h44.07-261204-0001 tran van dan"  # the applicant's name not repeated
    assert rest and sum(len(r) + 3 for r in rest) <= SEARCH_FORM_MAX
    assert all(r.startswith("nguoi thu ") and r.endswith("lap cho") for r in rest)


def test_the_migration_fills_dossiers_filed_with_forms_before(birth, make_dossier):
    import importlib

    from django.apps import apps

    p = birth
    with_form = filed(p, {"ten_tre": "Nguyễn Thị Bé"})
    without = make_dossier()
    Dossier.objects.update(search_text="")  # as before the texts joined the search
    Dossier.objects.filter(pk=with_form.pk).update(
        search_text=search_text(with_form.code, with_form.applicant_name))
    importlib.import_module("tinhso.dossiers.migrations.0015_search_form_texts").fill(apps, None)
    assert found(p.officer, "nguyen thi be") == {with_form.code}
    assert Dossier.objects.get(pk=without.pk).search_text == ""  # not a row it had to read
