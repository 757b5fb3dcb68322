from django.contrib.auth.management import create_permissions
from django.db import migrations

# slug, Chinese, English, children
CATEGORIES = [
    ("household", "家政服务", "Household", [
        ("cleaning", "保洁", "Cleaning"),
        ("laundry", "洗衣", "Laundry"),
        ("appliance-repair", "家电维修", "Appliance repair"),
        ("plumbing", "水电维修", "Plumbing and electrics"),
        ("moving", "搬家", "Moving"),
    ]),
    ("eldercare", "居家养老", "Eldercare at home", [
        ("meal-assistance", "助餐", "Meal assistance"),
        ("bathing", "助浴", "Bathing assistance"),
        ("home-cleaning-for-elders", "助洁", "Cleaning for older people"),
        ("medical-escort", "助医", "Escort to the doctor"),
        ("companionship", "陪伴与心理慰藉", "Companionship and emotional support"),
        ("rehabilitation", "康复护理", "Rehabilitation care"),
        ("day-care", "日间照料", "Day care"),
    ]),
    ("convenience", "便民服务", "Convenience", [
        ("repairs", "便民维修", "Small repairs"),
        ("haircut", "理发", "Haircut"),
        ("errands", "代办跑腿", "Errands"),
        ("key-cutting", "配钥匙", "Key cutting"),
        ("delivery", "送货上门", "Delivery"),
    ]),
]


def seed_categories(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    for order, (slug, zh, en, children) in enumerate(CATEGORIES):
        parent, _ = Category.objects.update_or_create(
            slug=slug, defaults={"name_zh": zh, "name_en": en, "sort_order": order}
        )
        for child_order, (child_slug, child_zh, child_en) in enumerate(children):
            Category.objects.update_or_create(
                slug=child_slug,
                defaults={"name_zh": child_zh, "name_en": child_en, "parent": parent,
                          "sort_order": child_order},
            )


def let_staff_edit_categories(apps, schema_editor):
    # Permissions of new models only appear after migrate ends; make them now.
    app_config = apps.get_app_config("marketplace")
    app_config.models_module = True  # create_permissions skips apps it thinks model-less
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.get(name="community_staff")
    staff.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="marketplace",
            codename__in=["add_category", "change_category", "view_category"],
        )
    )


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX service_search_idx ON marketplace_service USING gin (search_vector)"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS service_search_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0002_initial"),
        ("accounts", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(create_search_index, drop_search_index),
        migrations.RunPython(seed_categories, migrations.RunPython.noop),
        migrations.RunPython(let_staff_edit_categories, migrations.RunPython.noop),
    ]
