# The statement models moved to the `statements` app (statements/migrations/0001_initial.py
# takes them over). Only Django's model state changes: the tables, their rows and the freeze
# trigger of 0004 stay exactly as they are.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('billing', '0004_frozen_lines_trigger'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='Adjustment'),
                migrations.DeleteModel(name='LineExclusion'),
                migrations.DeleteModel(name='StatementLine'),
                migrations.DeleteModel(name='Statement'),
            ],
            database_operations=[],
        ),
    ]
