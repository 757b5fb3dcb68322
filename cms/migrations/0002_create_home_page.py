import uuid

from django.db import migrations

INTRO_ZH = (
    "<p>邻里把居民和身边的社区服务连在一起：家政、居家养老和便民服务，"
    "由社区审核的服务商提供；符合条件的老人可享受政府购买服务补贴。</p>"
)


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Locale = apps.get_model("wagtailcore.Locale")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("cms.HomePage")

    # Wagtail's own first migration leaves a plain welcome page at depth 2.
    Page.objects.filter(depth=2, slug="home", content_type__app_label="wagtailcore").delete()
    content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.get(language_code="zh-hans")
    Locale.objects.get_or_create(language_code="en")
    home = HomePage.objects.create(
        title="邻里",
        draft_title="邻里",
        slug="home",
        intro=INTRO_ZH,
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        translation_key=uuid.uuid4(),
        live=True,
    )
    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="邻里 Linli"
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("cms.HomePage").objects.filter(depth=2, slug="home").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
