"""Search indexes (PostgreSQL only): trigram GIN indexes on the folded metadata, with the
agency in the same index (btree_gin) so an official's search reads one agency's rows, and on
the folded text of the files. SQLite scans (the embedded demo's size)."""

from django.db import migrations


def index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS documents_search_trgm ON "
                          "documents_document USING gin (agency_id, search_text gin_trgm_ops)")
    schema_editor.execute("CREATE INDEX IF NOT EXISTS documents_file_text_trgm ON "
                          "documents_documentfile USING gin (text gin_trgm_ops)")


def unindex(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS documents_search_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS documents_file_text_trgm")


class Migration(migrations.Migration):

    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(index, unindex)]
