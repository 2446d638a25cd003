import tinhso.catalog.forms_schema
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_cases_channels_and_published_facts'),
    ]

    operations = [
        migrations.AddField(
            model_name='component',
            name='form',
            field=models.JSONField(blank=True, help_text='Định nghĩa biểu mẫu dạng JSON (xem docs/catalogue.md); để trống nếu giấy tờ này không có tờ khai điện tử.', null=True, validators=[tinhso.catalog.forms_schema.validate_definition], verbose_name='tờ khai điện tử'),
        ),
    ]
