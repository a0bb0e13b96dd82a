"""Create the role groups of the API contract. Their permissions are set from the role matrix
(servicedesk/roles.py) by the post-migrate sync, which also runs after every later migration so
models added by other apps reach their roles."""

from django.db import migrations

ROLE_NAMES = [
    "clerk", "desk_supervisor", "dept_supervisor", "ops_manager", "counter_staff", "loss_prevention",
    "cashier", "finance", "announcer", "admin", "pos",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_NAMES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("servicedesk", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
