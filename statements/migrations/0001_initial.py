# The statement models, moved here from `billing` (billing/migrations/0005 drops them from
# billing's state). Only Django's model state changes: each model keeps its table
# (`db_table`), so the rows and the freeze trigger of billing/migrations/0004 stay as they
# are. The content types follow the models, so permissions and log entries keep pointing at
# them.

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MODELS = ['statement', 'statementline', 'lineexclusion', 'adjustment']


def move_content_types(apps, schema_editor, *, source, target):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    taken = ContentType.objects.using(db).filter(app_label=target, model__in=MODELS)
    moving = ContentType.objects.using(db).filter(app_label=source, model__in=MODELS)
    # A fresh database has neither yet; post_migrate creates them afterwards.
    moving.exclude(model__in=taken.values('model')).update(app_label=target)


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source='billing', target='statements')


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor, source='statements', target='billing')


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('billing', '0005_statements_move_to_their_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('orders', '0005_order_title_en'),
        ('providers', '0006_grades'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Statement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField(verbose_name='month')),
                        ('status', models.CharField(choices=[('draft', 'Draft'), ('issued', 'Issued'), ('under_review', 'Under review'), ('approved', 'Approved'), ('paid', 'Paid')], default='draft', max_length=14, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='issued at')),
                        ('review_started_at', models.DateTimeField(blank=True, null=True)),
                        ('approved_at', models.DateTimeField(blank=True, null=True, verbose_name='approved at')),
                        ('paid_on', models.DateField(blank=True, null=True, verbose_name='paid on')),
                        ('payment_reference', models.CharField(blank=True, max_length=100, verbose_name='payment reference')),
                        ('approved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('paid_recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='providers.provider', verbose_name='provider')),
                        ('purchaser', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statements', to='billing.purchaser', verbose_name='purchaser')),
                    ],
                    options={
                        'verbose_name': 'statement',
                        'verbose_name_plural': 'statements',
                        'db_table': 'billing_statement',
                        'ordering': ['-month', 'provider__name'],
                    },
                ),
                migrations.CreateModel(
                    name='StatementLine',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('billed', 'Billed'), ('held', 'Held')], max_length=8, verbose_name='line')),
                        ('order_code', models.CharField(max_length=10, verbose_name='order number')),
                        ('service_title', models.CharField(max_length=120, verbose_name='service')),
                        ('recipient_name', models.CharField(max_length=100, verbose_name='care recipient')),
                        ('community_name', models.CharField(max_length=100, verbose_name='community')),
                        ('visit_started_at', models.DateTimeField(null=True, verbose_name='check-in')),
                        ('visit_ended_at', models.DateTimeField(null=True, verbose_name='check-out')),
                        ('worker_name', models.CharField(blank=True, max_length=100, verbose_name='worker')),
                        ('list_price_fen', models.PositiveBigIntegerField(verbose_name='list price (fen)')),
                        ('subsidy_fen', models.PositiveBigIntegerField(verbose_name='subsidy (fen)')),
                        ('copay_fen', models.PositiveBigIntegerField(verbose_name='paid by the resident (fen)')),
                        ('hold_reason', models.CharField(blank=True, max_length=300, verbose_name='why held')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='statement_lines', to='orders.order')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='billing.programme')),
                        ('statement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='lines', to='statements.statement')),
                    ],
                    options={
                        'verbose_name': 'statement line',
                        'verbose_name_plural': 'statement lines',
                        'db_table': 'billing_statementline',
                        'ordering': ['statement', 'visit_started_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='LineExclusion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('reason', models.CharField(choices=[('not_delivered', 'Service not delivered as recorded'), ('not_eligible', 'Recipient not eligible'), ('duplicate', 'Duplicate'), ('wrong_price', 'Wrong price'), ('evidence_missing', 'Evidence missing'), ('other', 'Other')], max_length=20, verbose_name='reason')),
                        ('note', models.TextField(verbose_name='note')),
                        ('excluded_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('excluded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('line', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='exclusion', to='statements.statementline')),
                    ],
                    options={
                        'verbose_name': 'excluded line',
                        'verbose_name_plural': 'excluded lines',
                        'db_table': 'billing_lineexclusion',
                    },
                ),
                migrations.CreateModel(
                    name='Adjustment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('amount_fen', models.BigIntegerField(verbose_name='amount (fen)')),
                        ('reason', models.CharField(max_length=300, verbose_name='reason')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('statement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='statements.statement')),
                        ('corrects', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='adjustments', to='statements.statementline')),
                    ],
                    options={
                        'verbose_name': 'adjustment',
                        'verbose_name_plural': 'adjustments',
                        'db_table': 'billing_adjustment',
                    },
                ),
                migrations.AddConstraint(
                    model_name='statement',
                    constraint=models.UniqueConstraint(fields=('purchaser', 'provider', 'month'), name='one_statement_per_month'),
                ),
                migrations.AddConstraint(
                    model_name='statementline',
                    constraint=models.UniqueConstraint(condition=models.Q(('kind', 'billed')), fields=('order',), name='order_billed_once'),
                ),
                migrations.AddConstraint(
                    model_name='statementline',
                    constraint=models.CheckConstraint(condition=models.Q(('copay_fen', django.db.models.expressions.CombinedExpression(models.F('list_price_fen'), '-', models.F('subsidy_fen')))), name='line_split_adds_up'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
