"""Text in the pages: `{{ value|vi }}` marks Vietnamese content (the catalogue's, the agencies'
names) as such, so that a screen reader reads it in Vietnamese on the English pages too.
It can stand in a blocktranslate's `with`, inside an English sentence."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def vi(value):
    if value in (None, ""):
        return value
    return format_html('<span lang="vi">{}</span>', value)
