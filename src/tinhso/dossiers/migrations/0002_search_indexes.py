"""Indexes for searching dossiers by code and applicant name (the id has its db_index).

The name is searched with icontains (UPPER(name) LIKE '%..%'), which only a trigram index
serves; pg_trgm is PostgreSQL's, so that index is made there only (SQLite scans).
"""

import django.db.models.functions.text
from django.db import migrations, models

TRGM_INDEX = "dossier_applicant_name_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRGM_INDEX} ON dossiers_dossier "
        "USING gin (UPPER(applicant_name::text) gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRGM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ("dossiers", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(django.db.models.functions.text.Upper("code"),
                               name="dossier_code_upper_idx"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
