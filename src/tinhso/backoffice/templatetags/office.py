from django import template

register = template.Library()


@register.filter
def dong(amount) -> str:
    """1234567 -> "1.234.567" (Vietnamese thousands separator)."""
    try:
        return f"{int(amount):,}".replace(",", ".")
    except (TypeError, ValueError):
        return ""
