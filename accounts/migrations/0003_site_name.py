from django.db import migrations


def name_the_site(apps, schema_editor):
    # allauth signs its e-mails with the Sites framework's name ("example.com" otherwise).
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(pk=1, defaults={"domain": "linli.local", "name": "邻里 Linli"})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_role_groups"),
        ("sites", "0002_alter_domain_unique"),
    ]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]
