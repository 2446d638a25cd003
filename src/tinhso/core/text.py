"""Folding of Vietnamese text for search that ignores diacritics and case."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_name(value: str) -> str:
    """Collapse runs of white space (the upstream unit list has double spaces)."""
    return _SPACES.sub(" ", value).strip()


def strip_marks(value: str) -> str:
    """'Đăng ký' -> 'Dang ky': case and spacing kept (SMS without diacritics).
    'đ' has no combining mark, so it is mapped."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(value: str) -> str:
    """'Phường Việt Trì' -> 'phuong viet tri'."""
    return clean_name(strip_marks(value)).lower()
