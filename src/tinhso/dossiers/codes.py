"""Dossier codes: `<agency code>-<yymmdd>-<4-digit counter>`, e.g. H44.07-260813-0001.

The counter is one CodeCounter row per agency and local day, row-locked while a code is
taken. Call `next_code` inside the transaction that creates the dossier: a rolled-back
intake rolls its number back too, so the numbers of a day have no gaps.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from .models import CodeCounter

# One statement takes the next number: it creates the day's row or increments it, and the
# row stays locked until the dossier's transaction ends (PostgreSQL, and SQLite >= 3.35,
# which locks the whole database while writing anyway).
_UPSERT = (
    "INSERT INTO dossiers_codecounter (agency_id, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (agency_id, day) DO UPDATE SET last = dossiers_codecounter.last + 1 "
    "RETURNING last"
)


# The longest run of digits a code holds: the day (yymmdd); an agency code's groups have at
# most 3 digits (core.models.AGENCY_CODE_RE) and a day's counter stays under a million.
DIGIT_RUN_MAX = 6


def format_code(agency_code: str, day, number: int) -> str:
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"


def tracking_url(code: str) -> str:
    """The public tracking page of a dossier, absolute (settings.TINHSO_SITE_URL), with its
    code filled in: what the receipt's QR code and the applicant's e-mails point to."""
    return f"{settings.TINHSO_SITE_URL}{reverse('portal:track')}?{urlencode({'code': code})}"


def next_code(agency, at: datetime) -> str:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_code must run inside the dossier's transaction")
    day = timezone.localtime(at).date()
    return format_code(agency.code, day, _take_number(agency.pk, day))


def _take_number(agency_id: int, day) -> int:
    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [agency_id, connection.ops.adapt_datefield_value(day)])
            return cursor.fetchone()[0]
    # Elsewhere: get_or_create absorbs the race on the first code of the day (its insert
    # waits for the other transaction, fails on the unique key, then reads the committed row).
    counter, _created = CodeCounter.objects.get_or_create(agency_id=agency_id, day=day)
    counter = CodeCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
