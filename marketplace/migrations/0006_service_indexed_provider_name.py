from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def names_as_indexed(apps, schema_editor):
    """Existing terms were computed with the provider's name as it is now (a rename since
    is what the new column finds, from here on)."""
    Service = apps.get_model("marketplace", "Service")
    Provider = apps.get_model("providers", "Provider")
    Service.objects.update(
        indexed_provider_name=Subquery(
            Provider.objects.filter(pk=OuterRef("provider_id")).values("name")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_catalogue_indexes"),
        ("providers", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="indexed_provider_name",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(names_as_indexed, migrations.RunPython.noop),
    ]
