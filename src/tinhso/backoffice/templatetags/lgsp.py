"""`{{ user|is_lgsp_operator }}`: whether to offer the LGSP operator's pages (/lgsp/)."""

from django import template

from tinhso.exchange.services import is_operator

register = template.Library()


@register.filter
def is_lgsp_operator(user) -> bool:
    return is_operator(user)
