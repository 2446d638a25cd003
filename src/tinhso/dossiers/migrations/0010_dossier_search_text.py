"""An official's search ignores diacritics and case and matches a fragment of a name or a code.

Each dossier keeps `search_text`, its code and applicant's name folded by the portal's own
folding (models.search_text). Existing rows are filled here, in batches, through that same
function: a copy of the folding in SQL would drift from it. On PostgreSQL the trigram index
of 0003 (the agency handling the dossier, the upper-cased name) is replaced by one on
(agency, search_text): one index for names and codes, so a submission writes no more index
entries than before.
"""

from django.db import migrations, models

BATCH = 20_000
OLD = "dossier_agency_name_trgm"
NAME = "dossier_agency_search_trgm"


def fill(apps, schema_editor):
    from tinhso.dossiers.models import search_text

    Dossier = apps.get_model("dossiers", "Dossier")
    connection = schema_editor.connection
    last = 0
    while True:
        rows = list(Dossier.objects.filter(pk__gt=last).order_by("pk")
                    .values_list("pk", "code", "applicant_name")[:BATCH])
        if not rows:
            break
        last = rows[-1][0]
        values = [(pk, search_text(code, name)) for pk, code, name in rows]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # one statement per batch
                cursor.execute(
                    "UPDATE dossiers_dossier d SET search_text = v.t FROM "
                    "unnest(%s::bigint[], %s::text[]) AS v(id, t) WHERE d.id = v.id",
                    [[pk for pk, _ in values], [t for _, t in values]])
        else:
            Dossier.objects.bulk_update([Dossier(pk=pk, search_text=t) for pk, t in values],
                                        ["search_text"], batch_size=500)


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def drop_old(apps, schema_editor):
    # Before the fill: every row is rewritten, and a GIN index is the slowest to keep up.
    if _postgresql(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def restore_old(apps, schema_editor):
    if _postgresql(schema_editor):
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD} ON dossiers_dossier "
                              "USING gin (current_agency_id, UPPER(applicant_name::text) "
                              "gin_trgm_ops)")


def index(apps, schema_editor):
    if _postgresql(schema_editor):
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier "
                              "USING gin (current_agency_id, search_text gin_trgm_ops)")


def unindex(apps, schema_editor):
    if _postgresql(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0009_published_text_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(drop_old, restore_old),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(index, unindex),
    ]
