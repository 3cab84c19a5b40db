"""The editorial roles as groups with least privilege: Writers, Medical reviewers, Editors.

Moderators (comments only) comes from the comments app. "Publish without review"
is in no group: give it to named editors, one by one.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUPS = {
    "Writers": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.add_reference",
        "articles.change_reference",
        "articles.delete_reference",
        "articles.view_reference",
        "articles.view_topic",
    ],
    "Medical reviewers": [
        "articles.view_article",
        "articles.review_article",
        "articles.view_reference",
        "articles.view_topic",
        "articles.view_contributorprofile",
        "articles.change_contributorprofile",
    ],
    "Editors": [
        "articles.add_article",
        "articles.change_article",
        "articles.view_article",
        "articles.change_any_article",
        "articles.publish_article",
        "articles.add_reference",
        "articles.change_reference",
        "articles.delete_reference",
        "articles.view_reference",
        "articles.add_topic",
        "articles.change_topic",
        "articles.delete_topic",
        "articles.view_topic",
        "articles.add_redirect",
        "articles.change_redirect",
        "articles.delete_redirect",
        "articles.view_redirect",
        "articles.add_contributorprofile",
        "articles.change_contributorprofile",
        "articles.view_contributorprofile",
        "auth.view_user",
    ],
}


def create_groups(apps, schema_editor):
    for label in ("articles", "auth"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True  # historical apps have none; create_permissions needs one
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
