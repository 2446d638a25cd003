"""Agency pickers: a province has 150 to 350 agencies, too many for one flat list.

`AgencyChoiceField` groups them (the province's bodies first, then the communes' and the
bodies at commune level) and marks its select for `tinhso/js/picker.js`, which puts a filter
box above it that ignores diacritics and case. Without JavaScript the grouped select still
works; the server validates against the field's queryset as any ModelChoiceField does.
"""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Agency

GROUPS = (
    (Agency.Level.PROVINCE, _("Cơ quan cấp tỉnh")),
    (Agency.Level.COMMUNE, _("Cơ quan cấp xã")),
)


class QuickSelect(forms.Select):
    """A select drawn in Python, not through Django's per-option templates: hundreds of
    options (agencies, the national catalogue's sectors) cost a few ms instead of tens, on
    pages whose goal is 50 ms. Same markup, same escaping."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        final = {**self.build_attrs(self.attrs, attrs), "name": name}
        parts = [format_html("<select{}>", flatatt(final))]

        def option(key, label):
            key = str(key)
            mark = " selected" if key in chosen else ""
            parts.append(f'<option value="{escape(key)}"{mark}>{escape(label)}</option>')

        for key, label in self.choices:
            if isinstance(label, (list, tuple)):
                parts.append(format_html('<optgroup label="{}">', key))
                for member_key, member_label in label:
                    option(member_key, member_label)
                parts.append("</optgroup>")
            else:
                option(key, label)
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class AgencySelect(QuickSelect):
    def __init__(self, attrs=None):
        super().__init__({
            "class": "form-select", "data-picker": "agency",
            # The filter box's words, in the page's language (picker.js reads them). Its own
            # name, not the field's: the select alone answers to the field's label.
            "data-picker-label": _("Lọc danh sách cơ quan"),
            "data-picker-placeholder": _("Gõ để lọc, ví dụ: tu phap"),
            "data-picker-count": _("{n} cơ quan phù hợp"),
            **(attrs or {})})


class GroupedAgencies(ModelChoiceIterator):
    """The empty choice, then one optgroup per level, agencies by name within each; read
    when the select is drawn, like Django's own iterator."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        rows = list(self.queryset.order_by("name").only("pk", "code", "name", "level"))
        for level, label in GROUPS:
            members = [self.choice(a) for a in rows if a.level == level]
            if members:
                yield (label, members)


class AgencyChoiceField(forms.ModelChoiceField):
    widget = AgencySelect
    iterator = GroupedAgencies
