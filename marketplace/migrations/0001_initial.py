from django.db import migrations


class Migration(migrations.Migration):
    """The app's models arrive with the issue that builds it; this keeps its migration
    history starting from the same root as every other app's."""

    initial = True
    dependencies = []
    operations = []
