"""Units in which a statutory processing time is stated."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    MONTHS = "months", _("tháng")


def time_text(amount, unit: str) -> str:
    """A statutory time as people read it ("7 ngày làm việc", "2,5 giờ làm việc");
    "Không quy định" when none is stated, never a made-up number."""
    if amount is None:
        return str(_("Không quy định"))
    label = TimeUnit(unit).label if unit in TimeUnit.values else ""
    number = f"{Decimal(amount).normalize():f}".replace(".", ",")
    return f"{number} {label}".strip()
