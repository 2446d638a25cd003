"""The demo provider under /idp/: its sign-in pages (namespace idp) and the OpenID Connect
endpoints, under DOT's own namespace `oauth2_provider`, which DOT reverses to name its issuer.

    path("idp/", include("tinhso.idp.urls"))
    path("idp/", include((provider_patterns, "oauth2_provider")))
"""

from django.urls import path, re_path
from oauth2_provider import views as oauth

from . import views

app_name = "idp"

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
]

provider_patterns = [
    path("authorize/", views.CitizenAuthorizationView.as_view(), name="authorize"),
    path("token/", oauth.TokenView.as_view(), name="token"),
    path("userinfo/", oauth.UserInfoView.as_view(), name="user-info"),
    path(".well-known/jwks.json", oauth.JwksInfoView.as_view(), name="jwks-info"),
    re_path(r"^\.well-known/openid-configuration/?$", oauth.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info"),
]
