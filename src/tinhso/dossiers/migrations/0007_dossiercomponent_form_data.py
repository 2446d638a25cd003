from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0006_dossier_case_and_statutory_time'),
    ]

    operations = [
        migrations.AddField(
            model_name='dossiercomponent',
            name='form_data',
            field=models.JSONField(blank=True, null=True, verbose_name='dữ liệu tờ khai điện tử'),
        ),
    ]
