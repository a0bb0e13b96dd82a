from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from servicedesk.roles import ROLES, sync_roles


class Command(BaseCommand):
    help = "Create or update a staff user in exactly one role (api-contract.md)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=list(ROLES))
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")

    @transaction.atomic
    def handle(self, *args, username, role, password, email, first_name, **options):
        if not password:
            raise CommandError("--password must not be empty")
        spec = ROLES[role]
        if not Group.objects.filter(name=role).exists():
            sync_roles()
        user, created = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.is_staff = spec.is_staff
        user.is_superuser = spec.is_superuser
        if email:
            user.email = email
        if first_name:
            user.first_name = first_name
        user.save()
        user.groups.set([Group.objects.get(name=role)])  # exactly that role
        self.stdout.write(f"{'created' if created else 'updated'} {username} role={role}")
