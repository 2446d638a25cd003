"""Form fields that say what describes them: `{{ field|described }}` renders the widget with
aria-describedby pointing at the help and error texts that forms/_field.html writes
(`<id>_help`, `<id>_error`) and aria-invalid when the field was refused. Ids a form set on the
widget itself are kept."""

from django import template

register = template.Library()


@register.filter
def described(field):
    ids = (field.field.widget.attrs.get("aria-describedby") or "").split()
    attrs = {}
    if field.help_text:
        ids.append(f"{field.auto_id}_help")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if ids:
        attrs["aria-describedby"] = " ".join(dict.fromkeys(ids))
    return field.as_widget(attrs=attrs)
