"""Claims the demo provider puts in id_tokens and answers at /idp/userinfo/."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from .models import Identity


class CitizenClaimsValidator(OAuth2Validator):
    oidc_claim_scope = {
        **OAuth2Validator.oidc_claim_scope,
        "personal_id": "profile",
        "name": "profile",
        "birthdate": "profile",
        "address": "profile",
        "phone_number": "phone",
        "email": "email",
    }

    def get_additional_claims(self, request):
        identity = Identity.objects.filter(user=request.user).first()
        return identity.claims() if identity else {}
