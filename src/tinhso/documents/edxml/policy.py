"""What the exchange axis accepts, apart from what the parser already refuses: a package
signed, by a trusted key, and unchanged since. A refusal is answered with status 02."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import codes
from .model import Organ, Package, ResponseFor, StaffInfo, Status
from .names import HANOI


@dataclass(frozen=True)
class Refusal:
    code: str  # the signature's code: absent, altered, invalid, placeholder, unknown_signer...
    reason: str  # Vietnamese, sent back as the status's Description
    status_code: str = codes.REFUSED


def check_acceptable(package: Package) -> Refusal | None:
    """None when the package may be received; otherwise why not (status 02)."""
    check = package.signature
    if check is None:
        return Refusal("unchecked", "Gói tin chưa được kiểm tra chữ ký số.")
    if check.is_valid:
        sender = package.sender.organ_id
        # A seal is the agency's: a valid seal of another agency does not make a package
        # that claims to come from this one (certificates that name no organ id pass).
        if check.signer_id and check.signer_id != sender:
            return Refusal("sender_mismatch",
                           f"Từ chối tiếp nhận: gói tin ghi cơ quan gửi “{sender}” nhưng được "
                           f"ký bằng chứng thư số của cơ quan “{check.signer_id}”.")
        return None
    if check.verdict == "absent":
        return Refusal("absent", "Từ chối tiếp nhận: gói tin không có chữ ký số của cơ quan "
                                 "gửi.")
    return Refusal(check.code, f"Từ chối tiếp nhận: {check.reason}")


def response_to(package: Package) -> ResponseFor:
    """What a status about this (document) package answers."""
    document = package.document
    return ResponseFor(organ_id=document.sender.organ_id, document_id=document.key_id,
                       code=str(document.code), promulgation_date=document.promulgation.date)


def status_for(package: Package, status_code: str, *, reporter: Organ, description: str = "",
               staff: StaffInfo | None = None, when: datetime | None = None) -> Status:
    """The status message a receiver (`reporter`) sends back about a received document,
    ready for build_status: 01 when it arrives, 02 with a Refusal's reason, 03 once
    registered, and so on."""
    if status_code not in codes.STATUS_CODE:
        raise ValueError(f"unknown status code {status_code!r}")
    return Status(sender=reporter, response_for=response_to(package), status_code=status_code,
                  timestamp=(when or datetime.now(HANOI)).replace(microsecond=0),
                  description=description or codes.STATUS_CODE[status_code],
                  staff=staff or StaffInfo())


def refusal_status(package: Package, refusal: Refusal, *, reporter: Organ,
                   staff: StaffInfo | None = None, when: datetime | None = None) -> Status:
    return status_for(package, refusal.status_code, reporter=reporter,
                      description=refusal.reason, staff=staff, when=when)
