"""An official's search by a fragment reads its own agency's part of the index (PostgreSQL
only; a no-op on SQLite).

The trigram index of 0010 held (agency, trigram) as two separate keys of one GIN index: a
search intersected the agency's list with each trigram's list over the whole province, and
"ngu" alone lists two in five of 5,000,000 dossiers. Here each key is an agency and a
three-character piece of `search_text` at once, hashed into one bigint
(`dossier_search_keys`), for the agency that received the dossier and for the one handling
it: the official's whole scope in one index, and lists a province's hundred-odd agencies
smaller. A piece found twice gives its key twice (GIN keeps one). The function's cost is
declared high: the planner must read the index, never compute the keys row by row. The
same function turns a fragment into the keys a matching dossier must hold (search.py), so
the two cannot drift apart; a hash that collides only lets a dossier through to the exact
check (`search_text LIKE`) that follows.

The agency's dossiers newest first (current agency, submitted_at, id) let a fragment that
matches thousands read only the newest of them.
"""

from django.db import migrations, models

OLD = "dossier_agency_search_trgm"
NAME = "dossier_search_keys_idx"

FUNCTION = """
CREATE OR REPLACE FUNCTION dossier_search_keys(received bigint, handling bigint, body text)
RETURNS bigint[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  SELECT ARRAY(SELECT (hashtext(substr(body, i, 3))::bigint & 4294967295) | (received << 32)
               FROM generate_series(1, length(body) - 2) AS i)
      || CASE WHEN handling = received THEN '{}'::bigint[] ELSE
         ARRAY(SELECT (hashtext(substr(body, i, 3))::bigint & 4294967295) | (handling << 32)
               FROM generate_series(1, length(body) - 2) AS i) END
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(FUNCTION)
    run(f"CREATE INDEX IF NOT EXISTS {NAME} ON dossiers_dossier USING gin "
        "(dossier_search_keys(agency_id, current_agency_id, search_text))")
    run(f"DROP INDEX IF EXISTS {OLD}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    run = schema_editor.execute
    run(f"CREATE INDEX IF NOT EXISTS {OLD} ON dossiers_dossier "
        "USING gin (current_agency_id, search_text gin_trgm_ops)")
    run(f"DROP INDEX IF EXISTS {NAME}")
    run("DROP FUNCTION IF EXISTS dossier_search_keys(bigint, bigint, text)")


class Migration(migrations.Migration):

    dependencies = [("dossiers", "0015_search_form_texts")]

    operations = [
        migrations.AddIndex(
            model_name="dossier",
            index=models.Index(fields=["current_agency", "-submitted_at", "-id"],
                               name="dossier_agency_newest_idx"),
        ),
        migrations.RunPython(forwards, backwards),
    ]
