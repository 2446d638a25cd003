from django import template

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
