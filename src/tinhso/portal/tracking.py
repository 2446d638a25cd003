"""Following a dossier: the timeline in plain Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from tinhso.core.models import Agency
from tinhso.dossiers.models import Channel, Dossier, DossierEvent
from tinhso.dossiers.transitions import Action

from .templatetags.portal_tags import money


@dataclass(frozen=True)
class Entry:
    at: datetime
    title: str
    detail: str = ""


# Notes officials write are shown to the applicant only where they are the reason asked.
REASON_ACTIONS = frozenset({Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.STOP,
                            Action.WITHDRAW})


def _sentence(event: DossierEvent, agencies: dict[int, str], dossier: Dossier) -> str:
    a, agency = event.action, event.agency.name if event.agency_id else ""
    step = event.step.name if event.step_id else ""
    data = event.data or {}
    if a == Action.SUBMIT:
        how = {Channel.ONLINE: _("trực tuyến trên Cổng dịch vụ công"),
               Channel.DESK: _("trực tiếp tại bộ phận một cửa"),
               Channel.POSTAL: _("qua dịch vụ bưu chính công ích")}.get(dossier.channel, "")
        return _("Hồ sơ đã được nộp %(how)s.") % {"how": how}
    if a == Action.RECEIVE:
        return _("%(agency)s đã tiếp nhận hồ sơ.") % {"agency": agency}
    if a == Action.REFUSE:
        return _("%(agency)s không tiếp nhận hồ sơ.") % {"agency": agency}
    if a == Action.START:
        return _("Hồ sơ được chuyển đến bộ phận chuyên môn để giải quyết (%(step)s).") % {
            "step": step} if step else _("Hồ sơ được chuyển đến bộ phận chuyên môn.")
    if a == Action.FORWARD:
        return _("Hồ sơ chuyển sang bước tiếp theo: %(step)s.") % {"step": step}
    if a == Action.TRANSFER:
        return _("Hồ sơ được chuyển liên thông đến %(agency)s.") % {
            "agency": agencies.get(data.get("to_agency_id"), _("cơ quan khác"))}
    if a == Action.TRANSFER_BACK:
        return _("Hồ sơ được chuyển trả về cơ quan tiếp nhận.")
    if a == Action.REQUEST_SUPPLEMENT:
        return _("Cơ quan giải quyết yêu cầu bổ sung giấy tờ. Thời hạn giải quyết tạm dừng "
                 "cho đến khi nhận được giấy tờ bổ sung.")
    if a == Action.SUPPLEMENT:
        return _("Đã nhận giấy tờ bổ sung; hồ sơ tiếp tục được giải quyết.")
    if a == Action.REQUEST_PAYMENT:
        return _("Yêu cầu nộp phí, lệ phí: %(amount)s.") % {"amount": money(data.get("amount"))}
    if a == Action.RECORD_PAYMENT:
        how = _("trực tuyến") if data.get("online") else _("tại bộ phận một cửa")
        return _("Đã ghi nhận khoản thanh toán %(amount)s (%(how)s).") % {
            "amount": money(data.get("amount")), "how": how}
    if a == Action.FINISH:
        return _("Hồ sơ đã được giải quyết xong; kết quả sẵn sàng để trả.")
    if a == Action.RETURN_RESULT:
        return _("Đã trả kết quả giải quyết.")
    if a == Action.WITHDRAW:
        return _("Hồ sơ đã được rút theo đề nghị của người nộp.")
    if a == Action.STOP:
        return _("Hồ sơ bị dừng xử lý.")
    if a == Action.RATE:
        return _("Người nộp đã đánh giá mức độ hài lòng: %(n)s/5.") % {"n": data.get("rating")}
    return str(Action(a).label) if a in Action.values else a


def timeline(dossier: Dossier) -> list[Entry]:
    # Who inside the agency holds the step is the agency's own business, not the applicant's.
    events = list(DossierEvent.objects.filter(dossier=dossier)
                  .exclude(action__in=(Action.REASSIGN, Action.TAKE_OVER))
                  .select_related("agency", "step").order_by("at", "pk"))
    targets = {e.data.get("to_agency_id") for e in events if e.action == Action.TRANSFER}
    agencies = dict(Agency.objects.filter(pk__in=targets - {None}).values_list("pk", "name"))
    return [Entry(e.at, _sentence(e, agencies, dossier),
                  e.note if e.action in REASON_ACTIONS else "")
            for e in events]
