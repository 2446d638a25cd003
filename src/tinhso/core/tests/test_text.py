import pytest
from hypothesis import given
from hypothesis import strategies as st

from tinhso.core.text import clean_name, fold


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Phường Việt Trì", "phuong viet tri"),
        ("Phú Thọ", "phu tho"),
        ("ĐẮK LẮK", "dak lak"),
        ("Xã  Bắc Đông Quan", "xa bac dong quan"),
        ("  Cấp giấy phép   xây dựng ", "cap giay phep xay dung"),
    ],
)
def test_fold_drops_diacritics_case_and_extra_spaces(raw, folded):
    assert fold(raw) == folded


def test_clean_name_keeps_diacritics():
    assert clean_name("Xã  Bắc Đông Quan") == "Xã Bắc Đông Quan"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once
    assert "  " not in once
