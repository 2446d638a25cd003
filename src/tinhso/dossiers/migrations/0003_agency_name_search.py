"""Name search within an agency (PostgreSQL only; a no-op on SQLite).

An official's search by name used the province-wide trigram index: a common fragment
matched 100,000+ rows before the agency filter. The name is now indexed together with the
agency handling the dossier (btree_gin lets a GIN index hold the plain agency id), so that
PostgreSQL intersects the agency's rows with the name's inside the index; the same index
serves a search without agency (province-wide roles), so it replaces 0002's. A small partial
index finds the dossiers an agency received and transferred elsewhere (the other half of an
official's scope, see selectors.filter_dossiers).
"""

from django.db import migrations

OLD = "dossier_applicant_name_trgm"
NAME = "dossier_agency_name_trgm"
TRANSFERRED = "dossier_transferred_agency_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    run("CREATE EXTENSION IF NOT EXISTS btree_gin")
    run(f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier "
        "USING gin (current_agency_id, UPPER(applicant_name::text) gin_trgm_ops)")
    run(f"CREATE INDEX IF NOT EXISTS {TRANSFERRED} ON dossiers_dossier (agency_id) "
        "WHERE agency_id <> current_agency_id")
    run(f"DROP INDEX IF EXISTS {OLD}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"CREATE INDEX IF NOT EXISTS {OLD} ON dossiers_dossier "
        "USING gin (UPPER(applicant_name::text) gin_trgm_ops)")
    run(f"DROP INDEX IF EXISTS {NAME}")
    run(f"DROP INDEX IF EXISTS {TRANSFERRED}")


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0002_search_indexes"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
