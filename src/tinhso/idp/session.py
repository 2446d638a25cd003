"""The provider's own sign-in state: a key of its own in the session, never Django's login.

Logging the citizen into Django here would let the portal skip OpenID Connect altogether;
the portal must learn who signed in only from the tokens it fetches.
"""

from .models import Identity

SESSION_KEY = "idp_identity_id"


def signed_in(request) -> Identity | None:
    pk = request.session.get(SESSION_KEY)
    if pk is None:
        return None
    return Identity.objects.select_related("user").filter(pk=pk, is_active=True).first()


def sign_in(request, identity: Identity) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = identity.pk


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)
