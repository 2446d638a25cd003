"""Listen to dossiers' and petitions' signals (neither imports metrics): queue an index
refresh."""

import logging

from django.dispatch import receiver

from tinhso.dossiers.signals import dossier_changed
from tinhso.petitions.signals import petition_changed

logger = logging.getLogger(__name__)


@receiver(dossier_changed, dispatch_uid="metrics_refresh_index")
def refresh_after_change(sender, **kwargs):
    """The change is committed already; a failure here only delays the index."""
    from .tasks import request_refresh

    try:
        request_refresh()
    except Exception:
        logger.exception("Không xếp lịch cập nhật chỉ số được")


@receiver(petition_changed, dispatch_uid="metrics_refresh_after_petition")
def refresh_after_petition(sender, **kwargs):
    """Petitions are read from their own rows, but results are cached until the next refresh:
    a petition's change asks for one, as a dossier's does."""
    refresh_after_change(sender, **kwargs)
