"""Short codes of signed documents and the address their QR code carries.

A code is 10 characters of Crockford's base32 (digits and capitals without I, L, O, U, which
are misread aloud or on paper): 50 random bits, so the codes of real files cannot be guessed
by trying (the verification page also throttles unknown codes). Typed codes are read
leniently: case, spaces and dashes do not matter, O is 0, I and L are 1.
"""

import re
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 10
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(f"^[{ALPHABET}]{{{LENGTH}}}$")
# Where the portal serves the verification page: printed on paper, so it never moves.
VERIFY_PATH = "/verify/"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str | None:
    """The code as stored, or None when `text` cannot be one."""
    code = re.sub(r"[\s-]", "", (text or "")[:40]).upper().translate(_TYPOS)
    return code if _VALID.match(code) else None


def verify_url(code: str) -> str:
    """The public verification page of a code, absolute (what the QR code says)."""
    return f"{settings.TINHSO_SITE_URL}{VERIFY_PATH}{code}"
