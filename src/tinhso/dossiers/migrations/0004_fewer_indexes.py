"""Fewer indexes on the dossier table: every submission writes each of them.

The four foreign keys that lead a composite index lose their single-column index, and on
PostgreSQL the pattern-matching copies Django adds to indexed text columns go (code,
applicant id, idempotency key: the engine compares them whole, never by prefix).

The indexes are dropped by name: AlterField would drop every single-column index on the
column (0003's partial index on agency_id too) and rebuild the foreign keys.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FK_INDEXES = {  # Django's names (a hash of table and column)
    "dossiers_dossier_agency_id_966dcf7a": "agency_id",
    "dossiers_dossier_current_agency_id_9d2f6394": "current_agency_id",
    "dossiers_dossier_applicant_user_id_1ba4db0f": "applicant_user_id",
    "dossiers_dossier_procedure_id_4e0e78d6": "procedure_id",
}
LIKE_INDEXES = {
    "dossiers_dossier_code_6d68c351_like": "code",
    "dossiers_dossier_applicant_id_number_e4ee8f48_like": "applicant_id_number",
    "dossiers_dossier_idempotency_key_88654b0f_like": "idempotency_key",
}


def _indexes(schema_editor) -> dict:
    if schema_editor.connection.vendor == "postgresql":
        return {**FK_INDEXES, **{name: f"{column} varchar_pattern_ops"
                                 for name, column in LIKE_INDEXES.items()}}
    return FK_INDEXES


def drop(apps, schema_editor):
    for name in _indexes(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create(apps, schema_editor):
    for name, columns in _indexes(schema_editor).items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON dossiers_dossier "
                              f"({columns})")


def _fk(to, **kwargs):
    return models.ForeignKey(db_index=False, to=to, **kwargs)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0001_initial'),
        ('core', '0002_audit_actor_do_nothing'),
        ('dossiers', '0003_agency_name_search'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='dossier', name='agency',
                    field=_fk('core.agency', on_delete=django.db.models.deletion.PROTECT,
                              related_name='dossiers', verbose_name='cơ quan tiếp nhận')),
                migrations.AlterField(
                    model_name='dossier', name='applicant_user',
                    field=_fk(settings.AUTH_USER_MODEL, blank=True, null=True,
                              on_delete=django.db.models.deletion.SET_NULL,
                              related_name='dossiers')),
                migrations.AlterField(
                    model_name='dossier', name='current_agency',
                    field=_fk('core.agency', on_delete=django.db.models.deletion.PROTECT,
                              related_name='+', verbose_name='cơ quan đang xử lý')),
                migrations.AlterField(
                    model_name='dossier', name='procedure',
                    field=_fk('catalog.procedure', on_delete=django.db.models.deletion.PROTECT,
                              related_name='dossiers')),
            ],
            database_operations=[migrations.RunPython(drop, create)],
        ),
    ]
