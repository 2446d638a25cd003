"""What the edXML work changed in the signing module, tested here: pyHanko's hex string
reader replaced by one that reads a plain string in one go (signing.pdf), which must give
exactly what pyHanko's gives, and leave every other case to pyHanko."""

from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.misc import PdfStreamError

from tinhso.signing import pdf

HEX = "0123456789abcdefABCDEF"
SPACE = " \n\r\t\f\x00"


def both(data: bytes):
    """(ours, pyHanko's): each the string read (or the error's type) and where the stream
    was left."""
    answers = []
    for reader in (pdf._read_hex_string, pdf._pyhanko_read_hex):
        stream = BytesIO(data)
        try:
            value = reader(stream)
            answers.append((type(value), bytes(value.original_bytes), stream.tell()))
        except PdfStreamError:
            answers.append(("error",))
    return answers


def test_pyhanko_reads_pdfs_with_ours():
    assert generic.read_hex_string_from_stream is pdf._read_hex_string


@given(st.text(alphabet=HEX + SPACE, max_size=300), st.binary(max_size=20))
def test_plain_hex_strings_read_the_same(body, rest):
    ours, theirs = both(b"<" + body.encode() + b">" + rest)
    assert ours == theirs


@pytest.mark.parametrize("data", [
    b"<>", b"<4>", b"<48 65 6C\n6C 6F>tail", b"<FEFF0041>", b"<48%comment\n65>",
    b"<48G5>", b"<4865", b"<" + b"a1" * 20000 + b">after",
], ids=["empty", "odd", "spaced", "utf16", "comment", "bad-digit", "no-end", "long"])
def test_edge_cases_read_the_same(data):
    ours, theirs = both(data)
    assert ours == theirs
