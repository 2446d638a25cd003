from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.roles import Role

from .models import Notification
from .tasks import enqueue_notification


class FailedFirst(admin.SimpleListFilter):
    """Opens on the rows that need an administrator: the ones that gave up."""

    title = _("trạng thái")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*Notification.Status.choices, ("all", _("Tất cả"))]

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": (self.value() or Notification.Status.FAILED) == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        value = self.value() or Notification.Status.FAILED
        return queryset if value == "all" else queryset.filter(status=value)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "dossier", "event", "channel", "recipient", "status",
                    "attempts", "last_error", "sent_at"]
    list_filter = [FailedFirst, "channel", "event"]
    search_fields = ["dossier__code", "recipient"]
    list_select_related = ["dossier"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_resend_permission(self, request):
        user = request.user
        return user.is_superuser or user.has_role(Role.SYSTEM_ADMIN)

    @admin.action(description=_("Gửi lại các thông báo đã chọn"), permissions=["resend"])
    def send_again(self, request, queryset):
        rows = queryset.exclude(status=Notification.Status.SENT)
        ids = list(rows.values_list("pk", flat=True))
        rows.update(status=Notification.Status.PENDING, attempts=0,
                    next_attempt_at=timezone.now())
        for pk in ids:
            transaction.on_commit(lambda pk=pk: enqueue_notification(pk))
        self.message_user(request, _("Đã đưa %(n)s thông báo vào hàng đợi.") % {"n": len(ids)},
                          messages.SUCCESS)
