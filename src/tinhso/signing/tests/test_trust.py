"""Certificate names: tinhso keeps the results of asn1crypto's comparisons (RFC 5280 with
RFC 4518 preparation) by encoding; the answers must stay asn1crypto's own."""

import pytest
from asn1crypto import x509

from tinhso.signing import trust

SO_TU_PHAP = {"country_name": "VN", "organization_name": "Sở Tư pháp tỉnh Phú Thọ",
              "common_name": "Nguyễn Văn An"}


def name(**changes) -> x509.Name:
    return x509.Name.build({**SO_TU_PHAP, **changes})


def in_general_name(value: x509.Name) -> x509.Name:
    """A name as a certificate's ESS issuer-serial holds it: tagged inside a GeneralName."""
    general = x509.GeneralName(name="directory_name", value=value)
    return x509.GeneralName.load(general.dump()).chosen


@pytest.mark.parametrize("one, other, equal", [
    (name(), name(), True),
    (name(), name(common_name="NGUYỄN  VĂN AN"), True),        # case and inner spaces
    (name(), name(common_name="Nguyễn Văn Ân"), False),
    (name(), name(organization_name="Sở Tư pháp tỉnh Phú Thọ "), True),
    (name(), name(organization_name="Sở Xây dựng tỉnh Phú Thọ"), False),
    (in_general_name(name()), name(), True),
    (in_general_name(name(common_name="Lê Thị Hoa")), name(), False),
])
def test_names_compare_and_hash_as_asn1crypto_does(one, other, equal):
    for _ in range(2):  # the second time from what was kept
        assert (one == other) is equal
        assert trust._name_equal(one, other) is equal
        assert (one.hashable == other.hashable) is equal
        assert one.hashable == trust._name_hashable(one)


def test_a_name_never_equals_something_else():
    assert name() != "Nguyễn Văn An"
    assert name() != x509.GeneralName(name="directory_name", value=name())
