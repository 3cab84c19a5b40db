"""The "Moderators" group: may work the comment queue and edit the word lists (comments permissions only)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Moderators"
CODENAMES = [
    "view_comment",
    "change_comment",
    "moderate_comment",
    "view_moderationword",
    "add_moderationword",
    "change_moderationword",
    "delete_moderationword",
    "view_articlediscussion",
    "add_articlediscussion",
    "change_articlediscussion",
    "view_report",
    "view_verifiedemail",
]


def create_group(apps, schema_editor):
    app_config = apps.get_app_config("comments")
    app_config.models_module = True  # historical apps have none; create_permissions needs one
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="comments", codename__in=CODENAMES))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_default_moderation_words"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
