"""The back office's face of each lifecycle action: its form, its button and its message.

Which actions an official may take is decided by dossiers.guard (offered through
dossiers.selectors.actions_for, enforced by dossiers.lifecycle); this table only says how
each is asked for on a page.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from tinhso.dossiers.transitions import Action

from . import forms


@dataclass(frozen=True)
class ActionPage:
    form: type[forms.ActionForm]
    confirm: str  # the button that carries the action out
    done: str  # the message after it, with %(code)s
    danger: bool = False
    question: str = ""
    # The form's field that shows a refusal of the service, by its code (else the form's).
    fields: Mapping[str, str] = field(default_factory=dict)


A = Action
PAGES: dict[str, ActionPage] = {
    A.RECEIVE: ActionPage(forms.NoteForm, _("Xác nhận tiếp nhận"),
                          _("Đã tiếp nhận hồ sơ %(code)s."),
                          question=_("Tiếp nhận hồ sơ này? Hệ thống sẽ tính ngày hẹn trả.")),
    A.REFUSE: ActionPage(forms.ReasonForm, _("Xác nhận từ chối"),
                         _("Đã từ chối tiếp nhận hồ sơ %(code)s."), danger=True,
                         question=_("Từ chối tiếp nhận hồ sơ này? Chủ hồ sơ sẽ được thông báo "
                                    "lý do.")),
    A.START: ActionPage(forms.PassOnForm, _("Xác nhận chuyển xử lý"),
                        _("Đã chuyển hồ sơ %(code)s sang xử lý."),
                        fields={"invalid_assignee": "assignee"}),
    A.FORWARD: ActionPage(forms.PassOnForm, _("Xác nhận chuyển bước"),
                          _("Đã chuyển hồ sơ %(code)s sang bước tiếp theo."),
                          fields={"invalid_assignee": "assignee"}),
    A.TRANSFER: ActionPage(forms.TransferForm, _("Xác nhận chuyển liên thông"),
                           _("Đã chuyển liên thông hồ sơ %(code)s.")),
    A.TRANSFER_BACK: ActionPage(forms.NoteForm, _("Xác nhận trả về"),
                                _("Đã trả hồ sơ %(code)s về cơ quan tiếp nhận.")),
    A.REQUEST_SUPPLEMENT: ActionPage(
        forms.SupplementRequestForm, _("Xác nhận yêu cầu bổ sung"),
        _("Đã yêu cầu bổ sung hồ sơ %(code)s; thời hạn giải quyết tạm dừng."),
        question=_("Yêu cầu chủ hồ sơ bổ sung giấy tờ? Thời hạn giải quyết tạm dừng đến khi "
                   "nhận đủ.")),
    A.SUPPLEMENT: ActionPage(forms.SupplementForm, _("Xác nhận nhận bổ sung"),
                             _("Đã nhận giấy tờ bổ sung của hồ sơ %(code)s."),
                             fields={"missing_scan": "paper_file"}),
    A.REQUEST_PAYMENT: ActionPage(forms.PaymentRequestForm, _("Xác nhận yêu cầu nộp tiền"),
                                  _("Đã yêu cầu thực hiện nghĩa vụ tài chính cho hồ sơ "
                                    "%(code)s.")),
    A.RECORD_PAYMENT: ActionPage(forms.DeskPaymentForm, _("Xác nhận đã thu tiền"),
                                 _("Đã ghi nhận khoản nộp tại bộ phận một cửa cho hồ sơ "
                                   "%(code)s.")),
    A.FINISH: ActionPage(forms.FinishForm, _("Xác nhận hoàn thành"),
                         _("Hồ sơ %(code)s đã xử lý xong, chờ trả kết quả."),
                         fields={"missing_result_file": "result_file"}),
    A.RETURN_RESULT: ActionPage(forms.ActionForm, _("Xác nhận trả kết quả"),
                                _("Đã trả kết quả hồ sơ %(code)s."),
                                question=_("Chủ hồ sơ đã nhận kết quả?")),
    A.SIGN_RESULT: ActionPage(
        forms.ActionForm, _("Ký số và đóng dấu"),
        _("Đã ký số kết quả của hồ sơ %(code)s; mã QR trên tệp dẫn đến trang kiểm tra công "
          "khai."),
        question=_("Ký số các kết quả điện tử của hồ sơ này bằng chứng thư số của bạn, rồi "
                   "đóng dấu số của cơ quan? Mỗi tệp được gắn mã QR và mã tra cứu để bất kỳ ai "
                   "cũng kiểm tra được.")),
    A.WITHDRAW: ActionPage(forms.ReasonForm, _("Xác nhận rút hồ sơ"),
                           _("Đã ghi nhận chủ hồ sơ rút hồ sơ %(code)s."), danger=True),
    A.STOP: ActionPage(forms.ReasonForm, _("Xác nhận dừng xử lý"),
                       _("Đã dừng xử lý hồ sơ %(code)s."), danger=True,
                       question=_("Dừng xử lý hồ sơ này? Thao tác không thể hoàn tác.")),
    A.REASSIGN: ActionPage(forms.ReassignForm, _("Xác nhận giao xử lý"),
                           _("Đã giao bước xử lý của hồ sơ %(code)s."),
                           question=_("Giao bước xử lý đang mở của hồ sơ này cho cán bộ khác? "
                                      "Người được giao mới thao tác được với bước này."),
                           fields={"invalid_assignee": "assignee", "reason_required": "reason"}),
    A.TAKE_OVER: ActionPage(forms.TakeOverForm, _("Xác nhận nhận xử lý"),
                            _("Bạn đã nhận xử lý hồ sơ %(code)s."),
                            question=_("Nhận bước xử lý này về mình? Việc nhận được ghi vào "
                                       "diễn biến hồ sơ và nhật ký kiểm toán."),
                            fields={"reason_required": "reason"}),
}


def label(action: str) -> str:
    return Action(action).label
