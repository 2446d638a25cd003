"""Listen to dossiers' signal (dossiers never imports metrics): queue an index refresh."""

import logging

from django.dispatch import receiver

from tinhso.dossiers.signals import dossier_changed

logger = logging.getLogger(__name__)


@receiver(dossier_changed, dispatch_uid="metrics_refresh_index")
def refresh_after_change(sender, **kwargs):
    """The change is committed already; a failure here only delays the index."""
    from .tasks import request_refresh

    try:
        request_refresh()
    except Exception:
        logger.exception("Không xếp lịch cập nhật chỉ số được")
