"""Install the index definition shipped with the code (the national portal's 2026 version)."""

import json
from pathlib import Path

from django.db import migrations

SHIPPED = Path(__file__).resolve().parent.parent / "definitions" / "portal-2026.json"


def install(apps, schema_editor):
    IndexDefinition = apps.get_model("metrics", "IndexDefinition")
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    if not IndexDefinition.objects.filter(version=data["version"]).exists():
        IndexDefinition.objects.filter(is_active=True).update(is_active=False)
        IndexDefinition.objects.create(version=data["version"], title=data["title"], data=data,
                                       is_active=True)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
