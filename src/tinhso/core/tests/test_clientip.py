"""The real client address behind trusted proxies (core.clientip)."""

import pytest
from django.test import RequestFactory

from tinhso.core.clientip import client_ip

PROXIES = ["10.0.0.0/8", "2001:db8:ffff::/48"]


def ip(remote, forwarded=None, **kw):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **extra, **kw))


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TINHSO_TRUSTED_PROXIES = []
    assert ip("10.0.0.1", "203.0.113.5") == "10.0.0.1"


@pytest.mark.parametrize(("remote", "forwarded", "expected"), [
    ("10.0.0.1", "203.0.113.5", "203.0.113.5"),
    # two proxies of ours: the right-most untrusted address is the client
    ("10.0.0.1", "203.0.113.5, 10.1.1.1", "203.0.113.5"),
    # what the client wrote itself is left of the address our proxy saw: ignored
    ("10.0.0.1", "1.2.3.4, 203.0.113.5", "203.0.113.5"),
    # a request straight from outside: its header is the client's own word
    ("198.51.100.9", "203.0.113.5", "198.51.100.9"),
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "garbage", "10.0.0.1"),
    ("10.0.0.1", "203.0.113.5:51234", "203.0.113.5"),
    ("2001:db8:ffff::1", "[2001:db8:0:0::7]:443", "2001:db8::7"),
    ("::ffff:10.0.0.1", "203.0.113.5", "203.0.113.5"),
])
def test_behind_trusted_proxies(settings, remote, forwarded, expected):
    settings.TINHSO_TRUSTED_PROXIES = PROXIES
    assert ip(remote, forwarded) == expected


def test_no_address_at_all(settings):
    assert ip("not-an-ip") is None
    assert client_ip(None) is None
