from io import StringIO

import pytest
from django.core.management import call_command
from oauth2_provider.models import get_application_model

from tinhso.core.identifiers import validate_personal_id
from tinhso.idp.demo import CITIZENS
from tinhso.idp.models import Identity


@pytest.mark.django_db
def test_demo_citizens_and_client_are_made_once_and_printed(settings):
    out = StringIO()
    call_command("load_demo_citizens", stdout=out)
    call_command("load_demo_citizens", stdout=StringIO())  # rerun: nothing new
    assert Identity.objects.count() == len(CITIZENS)
    for identity in Identity.objects.all():
        assert validate_personal_id(identity.personal_id) == identity.personal_id
        assert identity.user.personal_id == identity.personal_id
        assert identity.personal_id in out.getvalue()
    assert "tinhso-demo-2026" in out.getvalue()
    app = get_application_model().objects.get(client_id=settings.OIDC_RP_CLIENT_ID)
    assert app.skip_authorization and app.algorithm == "RS256"
    assert "http://127.0.0.1/oidc/callback/" in app.redirect_uris.split()
