"""What the applicant is told when their dossier changes.

One composition per event, `compose`, gives the subject and the text; the SMS is the text,
the e-mail is the text with a greeting and the tracking address (`email_body`). Rows go to
the `notify.Notification` outbox; notify sends them (notify.tasks, which queues
notify.sending.deliver) by e-mail through SMTP and by SMS through the SMS port.
"""

from __future__ import annotations

import logging
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tinhso.notify.models import Notification

from .codes import tracking_url
from .models import Dossier, DossierEvent, SupplementRequest, WithdrawalRequest
from .transitions import Action

logger = logging.getLogger(__name__)

# Changes the applicant hears about; the others concern only the officials.
NOTIFIED_ACTIONS = frozenset({
    Action.RECEIVE, Action.REFUSE, Action.REQUEST_SUPPLEMENT, Action.REQUEST_PAYMENT,
    Action.FINISH, Action.RETURN_RESULT, Action.WITHDRAW, Action.STOP,
})
# Events that change no status: an official declined the applicant's withdrawal request.
WITHDRAWAL_DECLINED = "withdrawal_declined"
NOTIFIED_EVENTS = NOTIFIED_ACTIONS | {WITHDRAWAL_DECLINED}


# --- Composing.


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%H:%M ngày %d/%m/%Y") if value else "—"


def _money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def _last_event(dossier: Dossier, action: str) -> DossierEvent | None:
    return dossier.events.filter(action=action).order_by("-at", "-pk").first()


def compose(dossier: Dossier, action: str) -> tuple[str, str] | None:
    """(subject, text) in Vietnamese for this change, or None when nobody is told."""
    if action not in NOTIFIED_EVENTS:
        return None
    with translation.override("vi"):
        event = _last_event(dossier, action) if action in NOTIFIED_ACTIONS else None
        note = (event.note if event else "") or "—"
        values = {"code": dossier.code, "procedure": dossier.procedure.name, "reason": note}
        if action == Action.RECEIVE:
            values.update(received=_when(dossier.received_at), due=_when(dossier.due_at))
            if dossier.case_id:  # the due date follows from the case's own time
                values["procedure"] = _("%(procedure)s, trường hợp: %(case)s") % {
                    "procedure": values["procedure"], "case": dossier.case.name}
            subject = _("Hồ sơ %(code)s đã được tiếp nhận")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã được tiếp nhận lúc %(received)s. "
                     "Ngày hẹn trả kết quả: %(due)s.")
        elif action == Action.REFUSE:
            subject = _("Hồ sơ %(code)s không được tiếp nhận")
            text = _("Hồ sơ %(code)s (%(procedure)s) không được tiếp nhận. Lý do: %(reason)s")
        elif action == Action.REQUEST_SUPPLEMENT:
            request = (SupplementRequest.objects.filter(dossier=dossier)
                       .order_by("-requested_at", "-pk").first())
            values["reason"] = (request.reasons if request else "") or note
            subject = _("Hồ sơ %(code)s cần bổ sung giấy tờ")
            text = _("Hồ sơ %(code)s (%(procedure)s) cần bổ sung: %(reason)s. Thời hạn giải "
                     "quyết tạm dừng cho đến khi nhận đủ giấy tờ bổ sung.")
        elif action == Action.REQUEST_PAYMENT:
            amount = (event.data.get("amount") if event else None) or dossier.fees_owed
            values["amount"] = _money(int(amount))
            subject = _("Hồ sơ %(code)s: yêu cầu thực hiện nghĩa vụ tài chính")
            text = _("Hồ sơ %(code)s (%(procedure)s) cần thực hiện nghĩa vụ tài chính: "
                     "%(amount)s đồng.")
        elif action == Action.FINISH:
            subject = _("Hồ sơ %(code)s đã có kết quả")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã được giải quyết xong. Mời ông/bà nhận "
                     "kết quả theo hình thức đã đăng ký.")
        elif action == Action.RETURN_RESULT:
            subject = _("Hồ sơ %(code)s đã trả kết quả")
            text = _("Kết quả hồ sơ %(code)s (%(procedure)s) đã được trả. Mời ông/bà đánh "
                     "giá mức độ hài lòng về việc giải quyết hồ sơ.")
        elif action == Action.WITHDRAW:
            subject = _("Hồ sơ %(code)s đã được rút")
            text = _("Theo đề nghị của ông/bà, hồ sơ %(code)s (%(procedure)s) đã được rút; "
                     "cơ quan tiếp nhận không tiếp tục giải quyết hồ sơ này.")
        elif action == WITHDRAWAL_DECLINED:
            request = (WithdrawalRequest.objects
                       .filter(dossier=dossier, state=WithdrawalRequest.State.DECLINED)
                       .order_by("-decided_at", "-pk").first())
            values["reason"] = (request.decline_reason if request else "") or "—"
            subject = _("Hồ sơ %(code)s: không đồng ý cho rút hồ sơ")
            text = _("Cơ quan tiếp nhận không đồng ý cho rút hồ sơ %(code)s (%(procedure)s). "
                     "Lý do: %(reason)s. Hồ sơ tiếp tục được giải quyết.")
        else:  # Action.STOP
            subject = _("Hồ sơ %(code)s đã dừng xử lý")
            text = _("Hồ sơ %(code)s (%(procedure)s) đã dừng xử lý. Lý do: %(reason)s")
        return subject % values, text % values


def email_body(dossier: Dossier, text: str) -> str:
    """The e-mail around the composed text: a greeting, the tracking address, a signature."""
    with translation.override("vi"):
        return _("Kính gửi ông/bà %(name)s,\n\n%(text)s\n\nTra cứu tình trạng hồ sơ: "
                 "%(url)s\n\nThư này được gửi tự động từ Cổng dịch vụ công của tỉnh; vui lòng "
                 "không trả lời thư này.") % {"name": dossier.applicant_name, "text": text,
                                             "url": tracking_url(dossier.code)}


def create_notifications(dossier_id: int, action: str) -> list[Notification]:
    """Write one outbox row per channel the applicant gave (e-mail, phone)."""
    if action not in NOTIFIED_EVENTS:
        return []
    dossier = Dossier.objects.select_related("procedure", "case").get(pk=dossier_id)
    if not (dossier.applicant_email or dossier.applicant_phone):
        return []
    subject, text = compose(dossier, action)
    now = timezone.now()
    rows = []
    if dossier.applicant_email:
        rows.append(Notification(dossier=dossier, event=action, channel=Notification.Channel.EMAIL,
                                 recipient=dossier.applicant_email, subject=subject,
                                 body=email_body(dossier, text),
                                 next_attempt_at=now))
    if dossier.applicant_phone:
        rows.append(Notification(dossier=dossier, event=action, channel=Notification.Channel.SMS,
                                 recipient=dossier.applicant_phone, body=text,
                                 next_attempt_at=now))
    return Notification.objects.bulk_create(rows)


def announce(dossier_id: int, event: str) -> None:
    """Write the outbox rows, then queue their sending once those rows are committed.

    Called after the change itself is committed (or inside its transaction): a failure here
    must not turn the request into an error; it is logged at ERROR level for the operator.
    """
    if event not in NOTIFIED_EVENTS:
        return
    from tinhso.notify.tasks import enqueue_notification

    try:
        with transaction.atomic():
            for row in create_notifications(dossier_id, event):
                transaction.on_commit(partial(enqueue_notification, row.pk))
    except Exception:
        logger.exception("Không tạo được thông báo cho hồ sơ %s (%s)", dossier_id, event)
