"""The local personal e-data store: a citizen's own digitised papers and electronic results."""

import pytest
from django.core.files.base import ContentFile

from tinhso.dossiers.inputs import ComponentInput
from tinhso.dossiers.models import Status
from tinhso.integrations.datastore import LocalDataStore, fits

PDF = b"%PDF-1.4 x"


def papers(p):
    return [ComponentInput("Tờ khai", p.form.pk, file=ContentFile(PDF, name="tk.pdf")),
            ComponentInput("Căn cước", p.id_copy.pk, file=ContentFile(PDF, name="cc.pdf"))]


@pytest.mark.django_db
def test_the_store_holds_only_the_citizens_own_papers_and_results(province, make_dossier):
    mine = make_dossier(Status.RETURNED, components=papers(province))
    make_dossier(user=province.other_citizen, components=papers(province))
    store = LocalDataStore()
    found = store.papers(province.citizen)
    assert {p.dossier_code for p in found} == {mine.code}
    # Its papers and its electronic result (which has its file: lifecycle.finish).
    assert {p.kind for p in found} == {"cccd", "to khai", "trich luc"}
    id_paper = next(p for p in found if p.kind == "cccd")
    assert store.get(province.citizen, id_paper.reference).file.name == id_paper.file.name
    assert store.get(province.other_citizen, id_paper.reference) is None
    assert store.get(province.citizen, "GT-x") is None and store.get(None, "GT-1") is None


@pytest.mark.django_db
def test_only_components_the_catalogue_marks_reusable_take_stored_papers(province,
                                                                         make_dossier):
    make_dossier(components=papers(province))
    found = LocalDataStore().papers(province.citizen)
    assert [p.kind for p in found if fits(p, province.id_copy)] == ["cccd"]
    assert [p for p in found if fits(p, province.form)] == []  # a form is filled anew
