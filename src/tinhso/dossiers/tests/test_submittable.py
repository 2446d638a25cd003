"""What a submission checks against the catalogue: the version's frozen parts are read once
per process (catalog.frozen), its status every time."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tinhso.catalog import services
from tinhso.catalog.models import Component, Procedure
from tinhso.core.errors import ValidationFailed
from tinhso.dossiers.inputs import check_components, filing_terms, submittable_version
from tinhso.dossiers.models import Channel

ONLINE = Channel.ONLINE


def test_a_published_versions_parts_are_read_once(province):
    p = province
    first = submittable_version(p.procedure.pk, p.agency, ONLINE, False)
    filing_terms(first, None, ONLINE, timezone.now())
    with CaptureQueriesContext(connection) as again:
        version = submittable_version(p.procedure.pk, p.agency, ONLINE, False)
        catalogue = check_components(version, [], ONLINE, require=False)
        terms = filing_terms(version, None, ONLINE, timezone.now())
    assert len(again) == 1  # the version itself: its status may have changed
    loaded = Procedure.objects.select_related("current_version").get(pk=p.procedure.pk)
    with CaptureQueriesContext(connection) as with_version:
        assert submittable_version(loaded, p.agency, ONLINE, False).procedure is loaded
    assert len(with_version) == 0  # read with the procedure, in this request
    assert terms.fees.amount > 0
    assert [c.name for c in catalogue.values()] == [
        "Tờ khai theo mẫu", "Bản sao căn cước", "Ảnh chân dung"]


def test_a_newer_version_retires_the_one_whose_parts_were_kept(province):
    p = province
    # Loaded before the new version was published (its version id only: a procedure loaded
    # with its version is taken as read in the same request).
    stale = Procedure.objects.get(pk=p.procedure.pk)
    submittable_version(stale, p.agency, ONLINE, False)
    draft = services.new_version(services.SYSTEM, p.procedure)
    services.update_version(services.SYSTEM, draft, agencies=[p.commune])
    services.save_part(services.SYSTEM, Component(version=draft, order=4, name="Giấy ủy quyền"))
    assert "Giấy ủy quyền" in [c.name for c in check_components(
        draft, [], ONLINE, require=False).values()]  # a draft is read as it is now
    services.publish(services.SYSTEM, draft)
    with pytest.raises(ValidationFailed) as refused:
        submittable_version(stale, p.agency, ONLINE, False)
    assert refused.value.code == "procedure_not_published"
    p.procedure.refresh_from_db()
    with pytest.raises(ValidationFailed) as moved:
        submittable_version(p.procedure, p.agency, ONLINE, False)
    assert moved.value.code == "agency_not_implementing"
    assert submittable_version(p.procedure, p.commune, ONLINE, False).pk == draft.pk
