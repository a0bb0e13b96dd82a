import re

from django.conf import settings
from django.core.management.base import BaseCommand

from servicedesk.roles import matrix_rows

START, END = "<!-- roles:start -->", "<!-- roles:end -->"


def matrix_markdown() -> str:
    lines = ["| role | desk site | grants |", "|---|---|---|"]
    lines += [f"| `{name}` | {staff} | {grants} |" for name, staff, grants in matrix_rows()]
    return "\n".join(lines)


class Command(BaseCommand):
    requires_system_checks: list = []
    help = "Print the role matrix (servicedesk/roles.py) as a Markdown table; --readme rewrites it in README.md."

    def add_arguments(self, parser):
        parser.add_argument("--readme", action="store_true", help="write the table into README.md")

    def handle(self, *args, readme=False, **options):
        table = matrix_markdown()
        if not readme:
            self.stdout.write(table)
            return
        path = settings.BASE_DIR / "README.md"
        text = path.read_text(encoding="utf-8")
        text = re.sub(f"{re.escape(START)}.*?{re.escape(END)}", f"{START}\n{table}\n{END}", text, flags=re.S)
        path.write_text(text, encoding="utf-8")
        self.stdout.write("README.md role matrix updated")
