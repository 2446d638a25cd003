"""What validation says, in one vocabulary for PDF and XML: a code for machines and a plain
Vietnamese message for people (the public verification page shows it as it is)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

VALID = "valid"
INVALID = "invalid"  # the signature value does not match (bad or forged signature)
REVOKED = "revoked"
ALTERED = "altered"  # the document changed after signing
UNKNOWN_SIGNER = "unknown_signer"  # no path to a configured trust root
ABSENT = "absent"

MESSAGES = {
    VALID: "Chữ ký số hợp lệ: tài liệu còn nguyên vẹn từ khi ký, chứng thư số của người ký do "
           "tổ chức chứng thực được tin cậy cấp và còn hiệu lực.",
    INVALID: "Chữ ký số không hợp lệ: giá trị chữ ký không khớp với chứng thư số kèm theo.",
    REVOKED: "Chứng thư số của người ký đã bị thu hồi: chữ ký không còn giá trị.",
    ALTERED: "Tài liệu đã bị thay đổi sau khi ký: nội dung không còn là nội dung đã ký.",
    UNKNOWN_SIGNER: "Không xác định được người ký: chứng thư số không do tổ chức chứng thực "
                    "được tin cậy cấp.",
    ABSENT: "Tài liệu không có chữ ký số.",
}
# The worst verdict of several signatures is the document's: a single altered or forged
# signature makes the whole file untrustworthy.
SEVERITY = [ALTERED, INVALID, REVOKED, UNKNOWN_SIGNER, ABSENT, VALID]


@dataclass(frozen=True)
class Verdict:
    code: str
    message: str
    signer_name: str = ""
    organisation: str = ""
    signing_time: datetime | None = None
    # One verdict per signature, in signing order (a person's, then the agency's seal); the
    # fields above are the document's: its worst code, its first signer.
    signatures: tuple[Verdict, ...] = field(default=(), repr=False)

    @property
    def is_valid(self) -> bool:
        return self.code == VALID


def verdict(code: str, detail: str = "", **fields) -> Verdict:
    message = MESSAGES[code] + (f" {detail}" if detail else "")
    return Verdict(code=code, message=message, **fields)


def overall(signatures: list[Verdict]) -> Verdict:
    if not signatures:
        return verdict(ABSENT)
    worst = min(signatures, key=lambda v: SEVERITY.index(v.code))
    first = signatures[0]
    return replace(worst, signer_name=first.signer_name, organisation=first.organisation,
                   signing_time=first.signing_time, signatures=tuple(signatures))
