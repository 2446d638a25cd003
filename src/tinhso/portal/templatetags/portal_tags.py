from django import template
from django.utils.translation import gettext as _

from tinhso.catalog.models import Fee
from tinhso.core import timeunits

register = template.Library()


@register.filter
def money(value) -> str:
    """70000 -> "70.000 đồng" (Vietnamese groups thousands with dots)."""
    try:
        amount = int(value or 0)
    except (TypeError, ValueError):
        return ""
    return f"{amount:,} đồng".replace(",", ".")


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def time_text(terms) -> str:
    """core.timeunits.time_text of anything with processing_time and time_unit (a dossier,
    a version, a channel's terms): "7 ngày làm việc", or "Không quy định"."""
    return timeunits.time_text(getattr(terms, "processing_time", None),
                               getattr(terms, "time_unit", ""))


@register.filter
def fee_amount(fee) -> str:
    """How a fee row is charged, as published: an amount, per unit, a rate, a resolution."""
    def amount(value):
        if fee.currency == "VND":
            return money(value)
        return f"{value:,} {fee.currency}".replace(",", ".")

    if fee.basis == Fee.Basis.PERCENT and fee.rate is not None:
        rate = f"{fee.rate.normalize():f}".replace(".", ",")
        return str(_("%(rate)s%%") % {"rate": rate})
    if fee.basis == Fee.Basis.RESOLUTION and fee.amount is None:
        return str(_("Theo nghị quyết của HĐND tỉnh"))
    if fee.amount is None:
        return str(_("Mức thu do cơ quan tiếp nhận xác định"))
    if fee.basis == Fee.Basis.PER_UNIT and fee.unit:
        return f"{amount(fee.amount)}/{fee.unit}"
    return amount(fee.amount)
