"""`{{ user|is_lgsp_operator }}`: whether to offer the LGSP operator's pages (/lgsp/)."""

from django import template

from tinhso.exchange.services import is_operator

register = template.Library()


@register.filter
def is_lgsp_operator(user) -> bool:
    return is_operator(user)


@register.filter
def outcome_label(code: str) -> str:
    """The operator's words for a log record's outcome code (the code itself if unknown)."""
    from tinhso.exchange.selectors import OUTCOMES

    return OUTCOMES.get(code, code)
