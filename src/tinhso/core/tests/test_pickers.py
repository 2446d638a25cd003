"""The agency picker: grouped by level, provincial bodies first, validated by its queryset."""

import pytest
from django import forms

from tinhso.core.models import Agency
from tinhso.core.pickers import AgencyChoiceField
from tinhso.core.tests.factories import AgencyFactory, CommuneAgencyFactory


class PickForm(forms.Form):
    agency = AgencyChoiceField(queryset=Agency.objects.all(), empty_label="— Chọn —")


@pytest.mark.django_db
def test_agencies_are_grouped_provincial_bodies_first_by_name():
    justice = AgencyFactory(name="Sở Tư pháp")
    finance = AgencyFactory(name="Sở Tài chính")
    commune = CommuneAgencyFactory(name="Ủy ban nhân dân xã Hy Cương")
    choices = list(PickForm().fields["agency"].choices)
    assert choices[0] == ("", "— Chọn —")
    (province_label, province), (commune_label, communes) = choices[1:]
    assert str(province_label) == "Cơ quan cấp tỉnh" and str(commune_label) == "Cơ quan cấp xã"
    assert [label for _, label in province] == ["Sở Tài chính", "Sở Tư pháp"]
    assert [value.value for value, _ in communes] == [commune.pk]
    html = str(PickForm()["agency"])
    assert 'data-picker="agency"' in html and '<optgroup label="Cơ quan cấp tỉnh">' in html
    assert PickForm({"agency": justice.pk}).is_valid()
    assert not PickForm({"agency": finance.pk + commune.pk + justice.pk + 1}).is_valid()
