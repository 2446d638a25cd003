"""Notations as the clerical rules write them, and the issuer's abbreviation."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from tinhso.documents.types import DocumentType, default_issuer_abbreviation, notation


def test_notations():
    assert notation(123, "QĐ", "UBND") == "123/QĐ-UBND"
    assert notation(1, "QĐ", "SXD") == "01/QĐ-SXD"
    assert notation(5, "CV", "STP") == "05/STP"
    assert notation(45, "CV", "STP", "VP") == "45/STP-VP"
    assert notation(7, "TTr", "UBND", "VP") == "07/TTr-UBND"  # the unit only on letters


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(DocumentType.values))
def test_a_notation_starts_with_its_number(number, doc_type):
    text = notation(number, doc_type, "UBND")
    head, _, tail = text.partition("/")
    assert int(head) == number and len(head) >= 2
    assert tail.endswith("UBND") and (doc_type == "CV" or tail.startswith(doc_type + "-"))


def _agency(name, short="", code="H44.07"):
    return SimpleNamespace(name=name, short_name=short, code=code)


def test_issuer_abbreviations():
    assert default_issuer_abbreviation(_agency("Sở Tư pháp tỉnh Phú Thọ", "Sở Tư pháp")) == "STP"
    assert default_issuer_abbreviation(_agency("Sở Xây dựng tỉnh Phú Thọ")) == "SXD"
    assert default_issuer_abbreviation(_agency("Ủy ban nhân dân phường Việt Trì")) == "UBND"
    assert default_issuer_abbreviation(_agency("Sở Nông nghiệp và Môi trường tỉnh Phú Thọ")) \
        == "SNNMT"
