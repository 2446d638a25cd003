from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_draft_case'),
    ]

    operations = [
        migrations.AddField(
            model_name='draftpaper',
            name='form_data',
            field=models.JSONField(blank=True, null=True, verbose_name='dữ liệu tờ khai điện tử'),
        ),
    ]
