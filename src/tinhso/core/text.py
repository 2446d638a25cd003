"""Folding of Vietnamese text for search that ignores diacritics and case."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean_name(value: str) -> str:
    """Collapse runs of white space (the upstream unit list has double spaces)."""
    return _SPACES.sub(" ", value).strip()


def fold(value: str) -> str:
    """'Phường Việt Trì' -> 'phuong viet tri'. 'đ' has no combining mark, so it is mapped."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return clean_name(stripped).lower()
