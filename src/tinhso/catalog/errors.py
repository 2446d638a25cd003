"""Domain errors of the catalogue."""

from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import Conflict, ValidationFailed


class VersionPublished(Conflict):
    code = "version_published"
    default_message = _(
        "Phiên bản đã công bố không thể sửa đổi; hãy tạo phiên bản mới để thay đổi nội dung."
    )


class DraftExists(Conflict):
    code = "draft_exists"
    default_message = _("Thủ tục đã có một phiên bản nháp; hãy sửa hoặc công bố bản nháp đó.")


class PublishInvalid(ValidationFailed):
    code = "publish_invalid"
    default_message = _("Phiên bản chưa đủ điều kiện để công bố.")


class ImportInvalid(ValidationFailed):
    code = "import_invalid"
    default_message = _("Tệp danh mục có dòng không hợp lệ; chưa ghi dữ liệu nào.")
