from django.core.management.base import BaseCommand

from servicedesk.roles import matrix_rows


class Command(BaseCommand):
    help = "Print the role matrix (servicedesk/roles.py) as a Markdown table, as in README.md."

    def handle(self, *args, **options):
        self.stdout.write("| role | desk site | grants |")
        self.stdout.write("|---|---|---|")
        for name, staff, grants in matrix_rows():
            self.stdout.write(f"| `{name}` | {staff} | {grants} |")
