"""The dossiers an agency received and transferred elsewhere, newest first (PostgreSQL only;
a no-op on SQLite).

They are the other half of an official's scope. A fragment search walks them newest first
until enough match (search.py); indexed by agency alone (0003), every search read all of an
agency's transferred dossiers and sorted them, which for a desk that forwards most of what
it receives is tens of thousands of rows. The same index serves what 0003's served.
"""

from django.db import migrations

OLD = "dossier_transferred_agency_idx"
NAME = "dossier_transferred_newest_idx"
WHERE = "WHERE agency_id <> current_agency_id"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier "
                              f"(agency_id, submitted_at DESC, id DESC) {WHERE}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD} ON dossiers_dossier "
                              f"(agency_id) {WHERE}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):

    dependencies = [("dossiers", "0017_search_keys_without_pending_list")]

    operations = [migrations.RunPython(forwards, backwards)]
