"""The index definition as data: the active one, stored after `definition_check`, and the
shipped file it falls back to.
"""

from django.db import transaction

from .definition_check import validate
from .models import IndexDefinition
from .scoring import load_definition

SHIPPED_VERSION = "portal-2026"


@transaction.atomic
def install(data: dict, *, activate: bool = True):
    """Store a definition (new version or update of the same version), optionally active."""
    validate(data)
    row = IndexDefinition.objects.filter(version=data["version"]).first() or IndexDefinition()
    row.data = data
    if activate:
        IndexDefinition.objects.exclude(pk=row.pk).filter(is_active=True).update(
            is_active=False)
        row.is_active = True
    row.save()
    return row


def install_shipped():
    return install(load_definition(SHIPPED_VERSION))


def active_definition() -> dict:
    """The definition results are scored with: the active row, else the shipped file."""
    row = IndexDefinition.objects.filter(is_active=True).only("data").first()
    return row.data if row is not None else load_definition(SHIPPED_VERSION)
