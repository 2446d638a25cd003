"""An official's search also finds a dossier by the one-line texts filed in its e-forms (the
child's name of a birth registration, a business name): they join `search_text` at submission
(models.search_text). Dossiers filed with e-forms before are filled here, through the same
functions (a copy would drift from them); only those, so the fill reads no more than the rows
that have a filed form. No schema change: the column and its trigram index (0010) stay.
"""

from django.db import migrations

BATCH = 2_000


def fill(apps, schema_editor):
    from tinhso.catalog.forms_schema import searchable
    from tinhso.dossiers.models import with_form_texts

    Dossier = apps.get_model("dossiers", "Dossier")
    DossierComponent = apps.get_model("dossiers", "DossierComponent")
    with_forms = (DossierComponent.objects.filter(form_data__isnull=False,
                                                  component__isnull=False)
                  .values_list("dossier_id", flat=True).distinct())
    last = 0
    while True:
        ids = sorted(set(with_forms.filter(dossier_id__gt=last).order_by("dossier_id")
                         [:BATCH]))
        if not ids:
            break
        last = ids[-1]
        texts: dict[int, list[str]] = {}
        for dossier_id, form, data in (
                DossierComponent.objects.filter(dossier_id__in=ids, form_data__isnull=False,
                                                component__isnull=False)
                .order_by("dossier_id", "pk")
                .values_list("dossier_id", "component__form", "form_data")):
            if form:
                texts.setdefault(dossier_id, []).extend(searchable(form, data))
        rows = list(Dossier.objects.filter(pk__in=texts).only("pk", "search_text"))
        for row in rows:
            row.search_text = with_form_texts(row.search_text, texts[row.pk])
        Dossier.objects.bulk_update(rows, ["search_text"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0014_edata_sync")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
