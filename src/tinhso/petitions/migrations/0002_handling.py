"""Petitions handled by their agency: assignment, forwarding, the pause while the petitioner
is asked for more, the four deadlines, publication and the petitioner's rating."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REFUSE_DAYS, INFO_DAYS = 2, 5  # as petitions.services


def fill_deadlines(apps, schema_editor):
    """Petitions filed before: their clock started when they were sent."""
    from tinhso.core.calendar import build_calendar

    Petition = apps.get_model("petitions", "Petition")
    cal = build_calendar()
    for p in Petition.objects.filter(started_at__isnull=True).iterator():
        p.started_at = p.submitted_at
        p.refuse_due_at = cal.add_working_days(p.submitted_at, REFUSE_DAYS)
        p.info_due_at = cal.add_working_days(p.submitted_at, INFO_DAYS)
        if p.status == "answered" and p.answered_at:
            p.closed_on_time = p.answered_at <= p.due_at
            if p.is_public:
                p.published_at = p.answered_at
        elif p.status == "refused" and p.answered_at:
            p.closed_on_time = p.answered_at <= p.refuse_due_at
        p.save(update_fields=["started_at", "refuse_due_at", "info_due_at", "closed_on_time",
                              "published_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0005_audit_fewer_indexes"),
        ("petitions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="petition",
            name="status",
            field=models.CharField(choices=[
                ("received", "Đã tiếp nhận, đang xử lý"),
                ("waiting", "Chờ người gửi bổ sung thông tin"),
                ("answered", "Đã trả lời"), ("refused", "Không tiếp nhận")],
                default="received", max_length=10, verbose_name="trạng thái"),
        ),
        migrations.AddField(
            model_name="petition", name="started_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="bắt đầu tính thời hạn")),
        migrations.AddField(
            model_name="petition", name="refuse_due_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="hạn từ chối tiếp nhận")),
        migrations.AddField(
            model_name="petition", name="info_due_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="hạn yêu cầu bổ sung thông tin")),
        migrations.AddField(
            model_name="petition", name="publish_due_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="hạn công khai câu trả lời")),
        migrations.AddField(
            model_name="petition", name="published_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="thời điểm công khai")),
        migrations.AddField(
            model_name="petition", name="closed_on_time",
            field=models.BooleanField(blank=True, null=True, verbose_name="xử lý đúng hạn")),
        migrations.AddField(
            model_name="petition", name="assignee",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to=settings.AUTH_USER_MODEL,
                                    verbose_name="cán bộ được giao xử lý")),
        migrations.AddField(
            model_name="petition", name="assigned_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="thời điểm giao xử lý")),
        migrations.AddField(
            model_name="petition", name="forwarded_from",
            field=models.ForeignKey(blank=True, null=True,
                                    on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="core.agency",
                                    verbose_name="chuyển từ cơ quan")),
        migrations.AddField(
            model_name="petition", name="forwarded_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="thời điểm chuyển")),
        migrations.AddField(
            model_name="petition", name="forward_note",
            field=models.TextField(blank=True, verbose_name="lý do chuyển")),
        migrations.AddField(
            model_name="petition", name="paused_since",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="tạm dừng tính thời hạn từ")),
        migrations.AddField(
            model_name="petition", name="info_request",
            field=models.TextField(blank=True, verbose_name="nội dung yêu cầu bổ sung")),
        migrations.AddField(
            model_name="petition", name="info_requested_at",
            field=models.DateTimeField(blank=True, null=True,
                                       verbose_name="thời điểm yêu cầu bổ sung")),
        migrations.AddField(
            model_name="petition", name="info_reply",
            field=models.TextField(blank=True, verbose_name="thông tin người gửi bổ sung")),
        migrations.AddField(
            model_name="petition", name="info_replied_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="thời điểm bổ sung")),
        migrations.AddField(
            model_name="petition", name="rating",
            field=models.PositiveSmallIntegerField(blank=True, null=True,
                                                   verbose_name="mức độ hài lòng (1–5)")),
        migrations.AddField(
            model_name="petition", name="rated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="thời điểm đánh giá")),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(fields=["agency", "status", "due_at"],
                               name="petition_agency_status_due")),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(fields=["agency", "answered_at"],
                               name="petition_agency_answered")),
        migrations.AddIndex(
            model_name="petition",
            index=models.Index(fields=["agency", "rated_at"],
                               name="petition_agency_rated")),
        migrations.AddConstraint(
            model_name="petition",
            constraint=models.CheckConstraint(
                condition=models.Q(("rating__isnull", True),
                                   models.Q(("rating__gte", 1), ("rating__lte", 5)),
                                   _connector="OR"),
                name="petition_rating_1_to_5")),
        migrations.RunPython(fill_deadlines, migrations.RunPython.noop),
    ]
