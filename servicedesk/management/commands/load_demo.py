from django.core.management.base import BaseCommand
from django.db import transaction

from servicedesk.demo import demo_users
from servicedesk.plugins import app_modules


class Command(BaseCommand):
    help = "Load demo users for every role and a realistic handful of records for each app (idempotent)."

    def handle(self, *args, **options):
        for label, module in app_modules("demo"):
            with transaction.atomic():
                module.load(stdout=self.stdout)
            self.stdout.write(f"demo data loaded: {label}")
        self.stdout.write("\nDemo users (username / password):")
        for username, role, password in demo_users():
            self.stdout.write(f"  {username:16} {password:28} role={role}")
