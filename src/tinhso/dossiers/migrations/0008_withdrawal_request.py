import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('dossiers', '0007_dossiercomponent_form_data'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='WithdrawalRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('reason', models.TextField(verbose_name='lý do rút hồ sơ')),
                ('requested_at', models.DateTimeField(verbose_name='thời điểm đề nghị')),
                ('state', models.CharField(choices=[('open', 'Chờ cơ quan xem xét'), ('accepted', 'Đã đồng ý rút hồ sơ'), ('declined', 'Không đồng ý rút hồ sơ')], default='open', max_length=10, verbose_name='trạng thái')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='thời điểm quyết định')),
                ('decided_by_name', models.CharField(blank=True, max_length=150, verbose_name='người quyết định')),
                ('decline_reason', models.TextField(blank=True, verbose_name='lý do không đồng ý')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='withdrawal_requests', to='dossiers.dossier', verbose_name='hồ sơ')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'đề nghị rút hồ sơ',
                'verbose_name_plural': 'đề nghị rút hồ sơ',
                'constraints': [models.UniqueConstraint(condition=models.Q(('state', 'open')), fields=('dossier',), name='one_open_withdrawal_request')],
            },
        ),
    ]
