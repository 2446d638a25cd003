"""Kinds of administrative documents and how their number and notation are written
(Nghị định 30/2020/NĐ-CP on clerical work, its appendix of abbreviations).

A notation is "<number>/<type abbreviation>-<issuer abbreviation>", e.g. "123/QĐ-UBND"; an
official letter (công văn) has no type abbreviation: "45/STP" or, with the drafting unit,
"45/STP-VP". Numbers below 10 are written with a leading zero ("01/QĐ-UBND").
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import fold


class DocumentType(models.TextChoices):
    RESOLUTION = "NQ", _("Nghị quyết")
    DECISION = "QĐ", _("Quyết định")
    DIRECTIVE = "CT", _("Chỉ thị")
    REGULATION = "QYĐ", _("Quy định")
    RULES = "QC", _("Quy chế")
    NOTICE = "TB", _("Thông báo")
    GUIDANCE = "HD", _("Hướng dẫn")
    PROGRAMME = "CTr", _("Chương trình")
    PLAN = "KH", _("Kế hoạch")
    SCHEME = "ĐA", _("Đề án")
    REPORT = "BC", _("Báo cáo")
    MINUTES = "BB", _("Biên bản")
    SUBMISSION = "TTr", _("Tờ trình")
    INVITATION = "GM", _("Giấy mời")
    TELEGRAM = "CĐ", _("Công điện")
    OFFICIAL_LETTER = "CV", _("Công văn")


# Công văn is written without a type abbreviation.
NO_TYPE_ABBREVIATION = frozenset({DocumentType.OFFICIAL_LETTER})


def format_number(number: int) -> str:
    return f"{number:02d}"


def notation(number: int, doc_type: str, issuer: str, drafting_unit: str = "") -> str:
    """123, "QĐ", "UBND" -> "123/QĐ-UBND"; 5, "CV", "STP", "VP" -> "05/STP-VP"."""
    if doc_type in NO_TYPE_ABBREVIATION:
        code = issuer + (f"-{drafting_unit}" if drafting_unit else "")
    else:
        code = f"{doc_type}-{issuer}"
    return f"{format_number(number)}/{code}"


def default_issuer_abbreviation(agency) -> str:
    """What a register's notation uses unless the agency sets its own: "UBND" for a
    people's committee, the initials of the name otherwise ("Sở Tư pháp" -> "STP")."""
    name = agency.short_name or agency.name
    folded = fold(name)
    if folded.startswith("uy ban nhan dan") or folded.startswith("ubnd"):
        return "UBND"
    words = []
    for word in folded.replace(",", " ").split():
        if word in PLACE_WORDS:  # "Sở Tư pháp tỉnh Phú Thọ": the place is not abbreviated
            break
        if word.isalpha() and word != "va":
            words.append(word)
    initials = "".join(w[0] for w in words).upper()
    return (initials or agency.code.replace(".", ""))[:20]


PLACE_WORDS = frozenset({"tinh", "xa", "phuong", "dac", "tai"})
