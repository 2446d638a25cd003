"""What an SMS can carry: the outbox's Vietnamese text shaped for the handset.

Without Unicode (the default, TINHSO_SMS_UNICODE off) a segment holds 160 GSM-7 characters,
with it only 70 UCS-2 ones; Vietnamese with its diacritics needs UCS-2, so it is folded to
plain letters ("Hồ sơ đã được tiếp nhận" -> "Ho so da duoc tiep nhan") and the rest of the text
kept within the GSM-7 alphabet. A long message is sent as several segments (153 or 67
characters each, the rest being the joining header), at most TINHSO_SMS_MAX_SEGMENTS; beyond
that it is shortened at a word boundary with an ellipsis, never in the middle of a word.
"""

from __future__ import annotations

import unicodedata

from tinhso.core.text import strip_marks

# The GSM 03.38 default alphabet; the extension table's characters take two septets each.
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENDED = frozenset("^{}\\[~]|€\f")
# Typography the folding keeps but GSM-7 lacks: its nearest plain form.
_PLAIN = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-",
                        "…": "...", "\u00a0": " ", "•": "-", "\t": " "})
SINGLE = {False: 160, True: 70}   # one segment
PART = {False: 153, True: 67}     # each segment of a joined message


def gsm7(text: str) -> str:
    """Diacritics folded and every character representable in GSM-7 ('?' for the rest)."""
    plain = strip_marks(text).translate(_PLAIN)
    return "".join(ch if ch in GSM_BASIC or ch in GSM_EXTENDED else "?" for ch in plain)


def units(text: str, *, unicode: bool) -> int:
    """Length as the network counts it: septets (GSM-7) or UTF-16 code units (UCS-2)."""
    if unicode:
        return len(text.encode("utf-16-le")) // 2
    return sum(2 if ch in GSM_EXTENDED else 1 for ch in text)


def capacity(segments: int, *, unicode: bool) -> int:
    return SINGLE[unicode] if segments <= 1 else PART[unicode] * segments


def segments(text: str, *, unicode: bool) -> int:
    size = units(text, unicode=unicode)
    if size <= SINGLE[unicode]:
        return 1
    return -(-size // PART[unicode])


def shape(text: str, *, unicode: bool = False, max_segments: int = 2) -> str:
    """The text to hand to the gateway: folded unless `unicode`, and no longer than
    `max_segments` segments."""
    text = unicodedata.normalize("NFC", text).strip() if unicode else gsm7(text).strip()
    limit = capacity(max(max_segments, 1), unicode=unicode)
    if units(text, unicode=unicode) <= limit:
        return text
    ellipsis = "…" if unicode else "..."
    room = limit - units(ellipsis, unicode=unicode)
    used = end = 0
    for end, ch in enumerate(text):  # noqa: B007 - `end` is where the room runs out
        used += units(ch, unicode=unicode)
        if used > room:
            break
    cut = text[:end]
    # Back to the last whole word; a single word longer than the room is cut where it must.
    if not text[end].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"))
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(" \n.,;:-(") + ellipsis
