from django import template

register = template.Library()

GRADE_CLASSES = {"excellent": "success", "good": "primary", "fair": "info",
                 "average": "warning", "weak": "danger"}


@register.simple_tag(takes_context=True)
def sort_url(context, level: str, column: str) -> str:
    """This page's query with `<level>_sort` set to the column, reversed when already set;
    a new order starts on its first page."""
    params = context["request"].GET.copy()
    params.pop(f"{level}_page", None)
    key = f"{level}_sort"
    params[key] = f"-{column}" if params.get(key) == column else column
    return f"?{params.urlencode()}#ranking-{level}"


@register.simple_tag(takes_context=True)
def sort_state(context, level: str, column: str) -> str:
    current = context["request"].GET.get(f"{level}_sort", "rank")
    if current == column:
        return "ascending"
    if current == f"-{column}":
        return "descending"
    return "none"


@register.filter
def grade_class(code: str) -> str:
    return GRADE_CLASSES.get(code, "secondary")


@register.filter
def percent_of(points, maximum) -> int:
    """Whole percent for a bar's width."""
    return round(float(points) * 100 / float(maximum)) if maximum else 0


@register.filter
def rate_percent(ratio):
    """A ratio as a percentage with two decimals, or None without a denominator."""
    rate = ratio.rate
    return None if rate is None else round(float(rate) * 100, 2)
